/**
 * Conversations and messages in Redis: a hash per conversation and a list of its messages, so
 * every instance sees the same history (durable with Redis's append-only file).
 */
import type { Redis } from "ioredis";
import type { Conversations, StoredConversation, StoredMessage } from "./store.ts";
import { conversationKeys } from "./redis-layout.ts";
import { guarded } from "./redis-errors.ts";

/** The conversation store over a Redis connection. */
export function redisConversations(redis: Redis): Conversations {
  return {
    create: ({ id, caseId, createdAt }) =>
      guarded(async () => {
        await redis.hset(conversationKeys(id).meta, {
          id,
          createdAt: String(createdAt),
          ...(caseId === undefined ? {} : { caseId }),
        });
      }),
    get: (id) =>
      guarded(async (): Promise<StoredConversation | undefined> => {
        const keys = conversationKeys(id);
        const [meta, messages] = await Promise.all([
          redis.hgetall(keys.meta),
          redis.lrange(keys.messages, 0, -1),
        ]);
        if (meta.id === undefined) return undefined;
        return {
          id: meta.id,
          ...(meta.caseId === undefined ? {} : { caseId: meta.caseId }),
          createdAt: Number(meta.createdAt),
          messages: messages.map((m) => JSON.parse(m) as StoredMessage),
        };
      }),
    addMessage: (conversationId, message) =>
      guarded(async () => {
        await redis.rpush(conversationKeys(conversationId).messages, JSON.stringify(message));
      }),
  };
}
