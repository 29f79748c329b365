/** Cancel requests across instances on a manual clock, over a stand-in for the Redis commands. */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { SharedUnavailableError } from "../../server/runs/shared-runs.ts";
import { requestCancel } from "../../server/storage/redis-cancel.ts";
import { manualClock } from "./harness.ts";

const RUN = "R".repeat(22);
const INFO = { id: RUN, kind: "chat" as const, plan: [], createdAt: 5 };

/** A run's hash as the owner leaves it; records what is published. */
function owner(meta: Record<string, string> | undefined, finished = false) {
  const published: [string, string][] = [];
  const state = { meta };
  const redis = {
    // The standing script (tested against a real Redis in tests/cluster): the hash's status.
    evalsha: () => Promise.resolve(state.meta ? [state.meta.status, 0] : []),
    hgetall: () => Promise.resolve(state.meta ?? {}),
    exists: () => Promise.resolve(finished ? 1 : 0),
    publish(channel: string, message: string) {
      published.push([channel, message]);
      return Promise.resolve(1);
    },
  };
  return { redis: redis as unknown as Redis, published, state };
}

const ENDING = { ttlMs: 60_000, durableMs: 0, newId: () => "M" };
const running = (status = "running") => ({ info: JSON.stringify(INFO), status, owner: "A" });

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("redis cancel publishes the request and answers once the owner records it", async () => {
  const clock = manualClock(0);
  const o = owner(running());
  const outcome = requestCancel(o.redis, RUN, { clock, ending: ENDING });
  await settle();
  assert.deepEqual(o.published, [["sw:cancel", RUN]]);
  clock.advance(15);
  await settle();
  o.state.meta = { ...o.state.meta, status: "cancelled" };
  clock.advance(15);
  assert.equal(await outcome, "cancelled");
});

Deno.test("redis cancel gives up when the owner stays silent for two seconds", async () => {
  const clock = manualClock(0);
  const o = owner(running());
  let settled = false;
  const outcome = requestCancel(o.redis, RUN, { clock, ending: ENDING }).finally(() =>
    settled = true
  );
  outcome.catch(() => {});
  await settle();
  for (let waited = 0; waited < 1995; waited += 15) {
    clock.advance(15);
    await settle();
  }
  assert.equal(settled, false);
  clock.advance(15);
  await settle();
  await assert.rejects(outcome, SharedUnavailableError);
});

Deno.test("redis cancel of a run Redis finds lost answers finished", async () => {
  const clock = manualClock(2000);
  const o = owner(running("lost"));
  assert.equal(await requestCancel(o.redis, RUN, { clock, ending: ENDING }), "finished");
  assert.deepEqual(o.published, []);
});

Deno.test("redis cancel tells a finished run's durable log from an unknown run", async () => {
  const clock = manualClock(0);
  assert.equal(
    await requestCancel(owner(undefined, true).redis, RUN, { clock, ending: ENDING }),
    "finished",
  );
  assert.equal(
    await requestCancel(owner(undefined).redis, RUN, { clock, ending: ENDING }),
    "not_found",
  );
});
