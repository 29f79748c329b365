/**
 * Conversations and messages in Redis: a hash per conversation and a list of its messages, so
 * every instance sees the same history (durable with Redis's append-only file). A run's reply is
 * saved once, whoever saves it first: its owner, or the instance that ended it as lost.
 */
import type { Redis } from "ioredis";
import type { Conversations, StoredConversation, StoredMessage } from "./store.ts";
import { conversationKeys } from "./redis-layout.ts";
import { guarded } from "./redis-errors.ts";
import { REPLY_ONCE } from "./redis-lua.ts";
import { type RetryOptions, untilAnswered } from "./redis-retry.ts";
import { runScript } from "./redis-script.ts";

/** How long records are kept and how a reply's save is retried. */
export interface ConversationOptions {
  /** Conversations expire this long after their latest message (RETENTION_DAYS); 0 keeps them. */
  durableMs: number;
  retry: RetryOptions;
}

/** The conversation store over a Redis connection. */
export function redisConversations(redis: Redis, options: ConversationOptions): Conversations {
  const { durableMs, retry } = options;
  const keep = (batch: ReturnType<Redis["multi"]>, id: string) => {
    const keys = conversationKeys(id);
    if (durableMs > 0) batch.pexpire(keys.meta, durableMs).pexpire(keys.messages, durableMs);
    return batch;
  };
  return {
    create: ({ id, caseId, createdAt }) =>
      guarded(async () => {
        const meta = {
          id,
          createdAt: String(createdAt),
          ...(caseId === undefined ? {} : { caseId }),
        };
        await keep(redis.multi().hset(conversationKeys(id).meta, meta), id).exec();
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
        const keys = conversationKeys(conversationId);
        const json = JSON.stringify(message);
        if (message.role === "user") {
          await keep(redis.multi().rpush(keys.messages, json), conversationId).exec();
          return;
        }
        // Idempotent, so a save a stall left unanswered is asked again rather than reported lost.
        await untilAnswered(
          () =>
            runScript(redis, REPLY_ONCE, {
              keys: [keys.meta],
              args: [message.runId, json, durableMs],
            }),
          retry,
        );
      }),
  };
}
