/** Reading runs back from Redis, over a stand-in holding the keys a test puts there. */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { StreamEntry } from "../../server/storage/redis-entries.ts";
import { loadRun } from "../../server/storage/redis-load.ts";

const RUN = "R".repeat(22);
const INFO = { id: RUN, kind: "chat" as const, plan: [], createdAt: 5 };

const chunk = (seq: number): SequencedEvent => ({
  type: "content_chunk",
  runId: RUN,
  seq,
  ts: seq,
  panel: "chat",
  stage: "reply",
  content: "word ",
  metadata: { chunk_index: seq - 1 },
});

const ENDING = { ttlMs: 60_000, durableMs: 0, newId: () => "M" };
const META = { info: JSON.stringify(INFO), status: "running", owner: "A", lastSeq: "0" };

/**
 * A stand-in holding one run's hash, stream and durable log; the standing script (tested against
 * a real Redis in tests/cluster) answers the hash's status, or nothing once the hash is gone.
 */
function keys(run: { meta?: Record<string, string>; entries?: StreamEntry[]; log?: string }) {
  const redis = {
    evalsha: () => Promise.resolve(run.meta ? [run.meta.status, 0] : []),
    hgetall: () => Promise.resolve(run.meta ?? {}),
    xrange: () => Promise.resolve(run.entries ?? []),
    get: () => Promise.resolve(run.log ?? null),
  };
  return { redis: redis as unknown as Redis };
}

const entry = (seq: number, json = JSON.stringify(chunk(seq))): StreamEntry => [
  `${seq}-0`,
  ["e", json],
];

Deno.test("redis load serves a running run with its live log", async () => {
  const { redis } = keys({ meta: META, entries: [entry(1), entry(2)] });
  assert.deepEqual(await loadRun(redis, RUN, ENDING), {
    info: INFO,
    status: "running",
    events: [chunk(1), chunk(2)],
  });
});

Deno.test("redis load serves a live log up to a malformed entry, as a lost run", async () => {
  const { redis } = keys({ meta: META, entries: [entry(1), entry(2, "not json"), entry(3)] });
  assert.deepEqual(await loadRun(redis, RUN, ENDING), {
    info: INFO,
    status: "lost",
    events: [chunk(1)],
  });
});

Deno.test("redis load falls back to the durable log once the live keys expired", async () => {
  const log = JSON.stringify({ info: INFO, events: [chunk(1)] });
  assert.deepEqual(await loadRun(keys({ log }).redis, RUN, ENDING), {
    info: INFO,
    status: "complete",
    events: [chunk(1)],
  });
  const broken = JSON.stringify({ info: INFO, events: [chunk(1), { seq: 2 }] });
  assert.deepEqual(await loadRun(keys({ log: broken }).redis, RUN, ENDING), {
    info: INFO,
    status: "lost",
    events: [chunk(1)],
  });
});

Deno.test("redis load knows nothing of a run without keys or with an unreadable log", async () => {
  assert.equal(await loadRun(keys({}).redis, RUN, ENDING), undefined);
  assert.equal(await loadRun(keys({ log: "{" }).redis, RUN, ENDING), undefined);
});
