import assert from "node:assert/strict";
import { idleTimer } from "../../server/runs/timers.ts";
import { manualClock } from "./harness.ts";

Deno.test("idle timer fires after a quiet period counted from the last touch", () => {
  const clock = manualClock();
  let fired = 0;
  const idle = idleTimer(clock, 1_000, () => fired++);
  clock.advance(600);
  idle.touch();
  clock.advance(999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  clock.advance(5_000);
  assert.equal(fired, 1, "fires once");
});

Deno.test("idle timer does not count while paused, and counts afresh from the next touch", () => {
  const clock = manualClock();
  let fired = 0;
  const idle = idleTimer(clock, 1_000, () => fired++);
  clock.advance(500);
  idle.pause();
  clock.advance(3_000);
  assert.equal(fired, 0);
  idle.touch();
  clock.advance(999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
});

Deno.test("idle timer never fires once stopped", () => {
  const clock = manualClock();
  let fired = 0;
  const idle = idleTimer(clock, 1_000, () => fired++);
  clock.advance(400);
  idle.stop();
  clock.advance(5_000);
  assert.equal(fired, 0);
});
