import assert from "node:assert/strict";
import { coalescedSleep } from "../../server/providers/sleep.ts";
import { manualClock } from "../server/harness.ts";

/** Lets resolved promises' callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("coalesced sleep ends each wait at the first tick at or after it is due", async () => {
  const clock = manualClock(1_000);
  const sleep = coalescedSleep(4, clock);
  const woke: string[] = [];
  void sleep(1).then(() => woke.push("1 ms"));
  void sleep(4).then(() => woke.push("4 ms"));
  void sleep(5).then(() => woke.push("5 ms"));
  clock.advance(3);
  await settle();
  assert.deepEqual(woke, []);
  clock.advance(1);
  await settle();
  assert.deepEqual(woke, ["1 ms", "4 ms"], "both due by the tick at 1,004");
  clock.advance(4);
  await settle();
  assert.deepEqual(woke, ["1 ms", "4 ms", "5 ms"]);
});

Deno.test("coalesced sleep shares one timer among the waits of a tick", () => {
  const clock = manualClock(1_000);
  let timers = 0;
  const counting = {
    ...clock,
    setTimeout: (callback: () => void, ms: number) => (timers++, clock.setTimeout(callback, ms)),
  };
  const sleep = coalescedSleep(4, counting);
  for (let i = 0; i < 100; i++) void sleep(1 + (i % 3));
  assert.equal(timers, 1);
  void sleep(10);
  assert.equal(timers, 2);
});

Deno.test("coalesced sleep ends early on abort, and at once when already aborted", async () => {
  const clock = manualClock(1_000);
  const sleep = coalescedSleep(4, clock);
  const controller = new AbortController();
  let woke = false;
  void sleep(1_000, controller.signal).then(() => (woke = true));
  controller.abort();
  await settle();
  assert.equal(woke, true);
  let again = false;
  void sleep(1_000, controller.signal).then(() => (again = true));
  await settle();
  assert.equal(again, true);
  clock.advance(2_000);
});
