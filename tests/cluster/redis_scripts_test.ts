/**
 * The Lua side of runs on a real redis-server: keys expire from their creation, a lapsed lease
 * (on Redis's clock) ends a run once, with its durable log and its partial reply, and nothing is
 * written into a run after that. Skipped, with a message, only when redis-server cannot be had.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import { finishRun, runStanding } from "../../server/storage/redis-ending.ts";
import { appendEvent, publishRun } from "../../server/storage/redis-publish.ts";
import { findRedisServer, startRedis } from "./redis-process.ts";

const binary = await findRedisServer();
if (!binary) console.log("redis script test skipped: redis-server could not be had");

const INFO = {
  id: "R".repeat(22),
  kind: "chat" as const,
  plan: [],
  conversationId: "C1",
  createdAt: 5,
};
const OWNER = { owner: "A", leaseMs: 60_000, keepMs: 120_000 };
const ENDING = { ttlMs: 30_000, durableMs: 0, newId: () => "M1" };

const chunk = (seq: number, content: string): SequencedEvent => ({
  type: "content_chunk",
  runId: INFO.id,
  seq,
  ts: seq,
  panel: "chat",
  stage: "reply",
  content,
  metadata: { chunk_index: seq - 1 },
});

async function withRedis(test: (redis: Redis) => Promise<void>) {
  const server = await startRedis(binary!);
  const redis = new Redis(server.url);
  try {
    await test(redis);
  } finally {
    redis.disconnect();
    await server.close();
  }
}

const options = { ignore: !binary, sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...options,
  name: "redis scripts give a run's keys their expiry as they are created",
  fn: () =>
    withRedis(async (redis) => {
      await publishRun(redis, INFO, OWNER);
      await appendEvent(redis, chunk(1, "Hi "), OWNER);
      for (const key of [`sw:run:${INFO.id}`, `sw:run:${INFO.id}:events`, "sw:runs:leases"]) {
        const ttl = await redis.pttl(key);
        assert.ok(ttl > 0 && ttl <= OWNER.keepMs, `${key}: ${ttl}`);
      }
    }),
});

Deno.test({
  ...options,
  name: "redis scripts end a lapsed run once, keeping its log and its partial reply",
  fn: () =>
    withRedis(async (redis) => {
      await publishRun(redis, INFO, OWNER);
      await appendEvent(redis, chunk(1, "Partial "), OWNER);
      await appendEvent(redis, chunk(2, "text"), OWNER);
      // The lease as Redis's clock sees it once lapsed.
      await redis.hset(`sw:run:${INFO.id}`, "leaseUntil", "0");
      assert.deepEqual(await runStanding(redis, INFO.id, ENDING), { status: "lost", ended: true });
      assert.deepEqual(await runStanding(redis, INFO.id, ENDING), { status: "lost", ended: false });
      const log = JSON.parse((await redis.get(`sw:runlog:${INFO.id}`))!);
      assert.deepEqual(log, { info: INFO, events: [chunk(1, "Partial "), chunk(2, "text")] });
      assert.equal(await redis.pttl(`sw:runlog:${INFO.id}`), -1);
      const messages = (await redis.lrange("sw:conv:C1:messages", 0, -1)).map((m) => JSON.parse(m));
      assert.equal(messages.length, 1);
      assert.deepEqual(
        { ...messages[0], createdAt: 0 },
        {
          id: "M1",
          role: "assistant",
          content: "Partial text",
          reasoning: "",
          status: "error",
          runId: INFO.id,
          createdAt: 0,
        },
      );
      assert.equal(await redis.zscore("sw:runs:leases", INFO.id), null);
      // Its owner, late, can neither write into it nor end it otherwise.
      await assert.rejects(appendEvent(redis, chunk(3, " more"), OWNER));
      const finished = await finishRun(redis, { info: INFO, status: "complete", events: [] }, {
        ...ENDING,
        owner: "A",
      });
      assert.deepEqual(finished, { status: "lost", ended: false });
      assert.equal(await redis.xlen(`sw:run:${INFO.id}:events`), 2);
    }),
});

Deno.test({
  ...options,
  name: "redis scripts let only the owner end a healthy run, with durable records kept as told",
  fn: () =>
    withRedis(async (redis) => {
      await publishRun(redis, INFO, OWNER);
      await appendEvent(redis, chunk(1, "Done"), OWNER);
      assert.deepEqual(await runStanding(redis, INFO.id, ENDING), {
        status: "running",
        ended: false,
      });
      const run = { info: INFO, status: "complete" as const, events: [chunk(1, "Done")] };
      const retained = { ...ENDING, durableMs: 86_400_000 };
      assert.deepEqual(await finishRun(redis, run, { ...retained, owner: "B" }), {
        status: "running",
        ended: false,
      });
      assert.deepEqual(await finishRun(redis, run, { ...retained, owner: "A" }), {
        status: "complete",
        ended: true,
      });
      const kept = await redis.pttl(`sw:runlog:${INFO.id}`);
      assert.ok(kept > 86_000_000 && kept <= 86_400_000, `durable log kept ${kept} ms`);
      assert.ok(await redis.pttl(`sw:run:${INFO.id}`) <= ENDING.ttlMs);
    }),
});
