/**
 * Lease and presence renewals on a manual clock, over a Redis stand-in that records each script
 * it is asked to run: what is sent, and when, and how the owner fences itself, with no Redis and
 * no waiting. What the scripts do in Redis is tested against a real one (tests/cluster).
 */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { redisLeases } from "../../server/storage/redis-leases.ts";
import { PRESENCE, RENEW, WATCHED } from "../../server/storage/redis-lua.ts";
import { manualClock } from "./harness.ts";

const LEASE_MS = 900;
// Renewals come every third of the lease; a lease holds for the lease less one check (150 ms).
const RENEW_MS = 300;
const CHECK_MS = 150;
const KEEP_MS = 60_900;
const RUN = "R".repeat(22);
const NAMES = new Map([[RENEW.sha, "renew"], [PRESENCE.sha, "presence"], [WATCHED.sha, "watched"]]);

type Command = [name: string, ...args: unknown[]];

/** A stand-in for the command connection: records each script and command, answers as told. */
function recordingRedis() {
  const sent: Command[] = [];
  const state = { failing: false, refusing: false, watched: 0 };
  const answer = (value: unknown) =>
    state.failing ? Promise.reject(new Error("Connection is closed")) : Promise.resolve(value);
  const redis = {
    evalsha(sha: string, count: number, ...rest: (string | number)[]) {
      const name = NAMES.get(sha)!;
      sent.push([name, rest.slice(0, count), rest.slice(count)]);
      if (name === "renew") return answer(rest.slice(count + 4).map(() => state.refusing ? 0 : 1));
      return answer(name === "watched" ? state.watched : 0);
    },
    zrem: (...args: unknown[]) => (sent.push(["zrem", ...args]), answer(1)),
  };
  return { redis: redis as unknown as Redis, sent, state };
}

function leases() {
  const clock = manualClock(0);
  const { redis, sent, state } = recordingRedis();
  const logs: string[] = [];
  const lost: string[] = [];
  const handle = redisLeases(redis, {
    instanceId: "A",
    leaseMs: LEASE_MS,
    keepMs: KEEP_MS,
    clock,
    log: (event) => logs.push(event),
  });
  handle.onLost((runId) => lost.push(runId));
  return { clock, handle, sent, state, logs, lost };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const renewal: Command = [
  "renew",
  ["sw:runs:leases", `sw:run:${RUN}`, `sw:run:${RUN}:events`, `sw:run:${RUN}:viewers`],
  ["A", LEASE_MS, CHECK_MS, KEEP_MS, RUN],
];

Deno.test("redis leases renew an owned run every third of the lease on the clock", () => {
  const l = leases();
  l.handle.own(RUN, 0);
  l.clock.advance(RENEW_MS - 1);
  assert.deepEqual(l.sent, []);
  l.clock.advance(1);
  assert.deepEqual(l.sent, [renewal]);
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent, [renewal, renewal]);
  l.handle.stop();
});

Deno.test("redis leases stop renewing a released run, and everything once stopped", () => {
  const l = leases();
  l.handle.own(RUN, 0);
  l.clock.advance(RENEW_MS);
  l.handle.release(RUN);
  assert.equal(l.handle.owns(RUN), false);
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent, [renewal]);
  l.handle.own(RUN, l.clock.now());
  l.handle.stop();
  l.clock.advance(10 * RENEW_MS);
  assert.deepEqual(l.sent, [renewal]);
  assert.deepEqual(l.lost, []);
});

Deno.test("redis leases mark this instance's viewers at once and keep them fresh", () => {
  const l = leases();
  const key = `sw:run:${RUN}:viewers`;
  l.clock.advance(50);
  l.handle.presence(RUN, 2);
  l.handle.presence(RUN, 3);
  const mark: Command = ["presence", [key], ["A", LEASE_MS, KEEP_MS]];
  assert.deepEqual(l.sent, [mark]);
  l.clock.advance(RENEW_MS - 50);
  assert.deepEqual(l.sent, [mark, mark]);
  l.handle.presence(RUN, 0);
  l.clock.advance(RENEW_MS);
  assert.deepEqual(l.sent.slice(2), [["zrem", key, "A"]]);
  l.handle.stop();
});

Deno.test("redis leases ask Redis whether another instance's viewers are current", async () => {
  const l = leases();
  assert.equal(await l.handle.watchedElsewhere(RUN), false);
  assert.deepEqual(l.sent, [["watched", [`sw:run:${RUN}:viewers`], ["A"]]]);
  l.state.watched = 1;
  assert.equal(await l.handle.watchedElsewhere(RUN), true);
  l.state.failing = true;
  assert.equal(await l.handle.watchedElsewhere(RUN), true, "unsure counts as watched");
  l.handle.stop();
});

Deno.test("redis leases log a failing renewal once per outage", async () => {
  const l = leases();
  l.handle.own(RUN, 0);
  l.state.failing = true;
  for (let i = 0; i < 2; i++) {
    l.clock.advance(RENEW_MS);
    await settle();
  }
  assert.deepEqual(l.logs, ["redis_renew_failed"]);
  l.state.failing = false;
  l.handle.own(RUN, l.clock.now());
  l.clock.advance(RENEW_MS);
  await settle();
  l.state.failing = true;
  l.clock.advance(RENEW_MS);
  await settle();
  assert.deepEqual(l.logs, ["redis_renew_failed", "redis_renew_failed"]);
  l.handle.stop();
});

Deno.test("redis leases tell an owned run lost once no renewal answered within the lease", async () => {
  const l = leases();
  l.handle.own(RUN, 0);
  l.clock.advance(RENEW_MS);
  await settle();
  // Renewed by a command sent at 300: the lease surely holds until 300 + 900 - 150.
  l.state.failing = true;
  l.clock.advance(1049 - RENEW_MS);
  await settle();
  assert.deepEqual(l.lost, []);
  l.clock.advance(1);
  assert.deepEqual(l.lost, [RUN]);
  assert.equal(l.handle.owns(RUN), false);
  l.handle.stop();
});

Deno.test("redis leases tell an owned run lost when Redis refuses its renewal", async () => {
  const l = leases();
  l.handle.own(RUN, 0);
  l.state.refusing = true;
  l.clock.advance(RENEW_MS);
  await settle();
  assert.deepEqual(l.lost, [RUN]);
  l.clock.advance(RENEW_MS);
  assert.equal(l.sent.length, 1, "a run no longer owned is not renewed");
  l.handle.stop();
});
