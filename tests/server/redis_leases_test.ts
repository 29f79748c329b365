/**
 * Lease and presence renewals on a manual clock, over a Redis stand-in that records commands:
 * what is written, and when, with no Redis and no waiting.
 */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { leaseExpiry } from "../../server/storage/redis-layout.ts";
import { redisLeases } from "../../server/storage/redis-leases.ts";
import { manualClock } from "./harness.ts";

const LEASE_MS = 900;
// Renewals come every third of the lease.
const RENEW_MS = 300;
const KEEP_MS = 60_900;
const RUN = "R".repeat(22);

type Command = [name: string, ...args: unknown[]];

/** A stand-in for the command connection: records each command, answers as told. */
function recordingRedis() {
  const sent: Command[] = [];
  const state = { failing: false, viewers: [] as string[] };
  const answer = (value: unknown) =>
    state.failing ? Promise.reject(new Error("Connection is closed")) : Promise.resolve(value);
  // A command sent at once, answering `value()`.
  const command = (name: string, value: () => unknown) => (...args: unknown[]) => {
    sent.push([name, ...args]);
    return answer(value());
  };
  const redis = {
    pipeline() {
      const batch: Command[] = [];
      // A command held until `exec`, which sends the batch.
      const queued = (name: string) => (...args: unknown[]): unknown => {
        batch.push([name, ...args]);
        return commands;
      };
      const commands = {
        get length() {
          return batch.length;
        },
        hset: queued("hset"),
        pexpire: queued("pexpire"),
        zadd: queued("zadd"),
        exec() {
          sent.push(...batch);
          return answer([]);
        },
      };
      return commands;
    },
    zadd: command("zadd", () => 1),
    zrem: command("zrem", () => 1),
    zrangebyscore: command("zrangebyscore", () => state.viewers),
  };
  return { redis: redis as unknown as Redis, sent, state };
}

function leases() {
  const clock = manualClock(0);
  const { redis, sent, state } = recordingRedis();
  const logs: string[] = [];
  const handle = redisLeases(redis, {
    instanceId: "A",
    leaseMs: LEASE_MS,
    keepMs: KEEP_MS,
    clock,
    log: (event) => logs.push(event),
  });
  return { clock, handle, sent, state, logs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const renewal = (now: number): Command[] => [
  ["hset", `sw:run:${RUN}`, "leaseUntil", String(leaseExpiry(now, LEASE_MS))],
  ["pexpire", `sw:run:${RUN}`, KEEP_MS],
  ["pexpire", `sw:run:${RUN}:events`, KEEP_MS],
  ["pexpire", `sw:run:${RUN}:viewers`, KEEP_MS],
];

Deno.test("redis leases renew an owned run every third of the lease on the clock", () => {
  const l = leases();
  l.handle.own(RUN);
  l.clock.advance(RENEW_MS - 1);
  assert.deepEqual(l.sent, []);
  l.clock.advance(1);
  assert.deepEqual(l.sent, renewal(300));
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent, [...renewal(300), ...renewal(600)]);
  l.handle.stop();
});

Deno.test("redis leases stop renewing a released run, and everything once stopped", () => {
  const l = leases();
  l.handle.own(RUN);
  l.clock.advance(RENEW_MS);
  l.handle.release(RUN);
  assert.equal(l.handle.owns(RUN), false);
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent, renewal(300));
  l.handle.own(RUN);
  l.handle.stop();
  l.clock.advance(10 * RENEW_MS);
  assert.deepEqual(l.sent, renewal(300));
});

Deno.test("redis leases mark this instance's viewers at once and keep them fresh", () => {
  const l = leases();
  const key = `sw:run:${RUN}:viewers`;
  l.clock.advance(50);
  l.handle.presence(RUN, 2);
  l.handle.presence(RUN, 3);
  assert.deepEqual(l.sent, [["zadd", key, 50 + LEASE_MS, "A"]]);
  l.clock.advance(RENEW_MS - 50);
  assert.deepEqual(l.sent.at(-1), ["zadd", key, RENEW_MS + LEASE_MS, "A"]);
  l.handle.presence(RUN, 0);
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent.slice(2), [["zrem", key, "A"]]);
  l.handle.stop();
});

Deno.test("redis leases count only other instances' viewers whose entries are current", async () => {
  const l = leases();
  l.clock.advance(1234);
  l.state.viewers = ["A"];
  assert.equal(await l.handle.watchedElsewhere(RUN), false);
  assert.deepEqual(l.sent, [["zrangebyscore", `sw:run:${RUN}:viewers`, 1234, "+inf"]]);
  l.state.viewers = ["A", "B"];
  assert.equal(await l.handle.watchedElsewhere(RUN), true);
  l.state.failing = true;
  assert.equal(await l.handle.watchedElsewhere(RUN), true, "unsure counts as watched");
  l.handle.stop();
});

Deno.test("redis leases log a failing renewal once per outage", async () => {
  const l = leases();
  l.handle.own(RUN);
  l.state.failing = true;
  for (let i = 0; i < 3; i++) {
    l.clock.advance(RENEW_MS);
    await settle();
  }
  assert.deepEqual(l.logs, ["redis_renew_failed"]);
  l.state.failing = false;
  l.clock.advance(RENEW_MS);
  await settle();
  l.state.failing = true;
  l.clock.advance(RENEW_MS);
  await settle();
  assert.deepEqual(l.logs, ["redis_renew_failed", "redis_renew_failed"]);
  l.handle.stop();
});
