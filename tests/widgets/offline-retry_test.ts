import assert from "node:assert/strict";
import type { ConnectionSettings } from "../../widgets/connection/connection-types.ts";
import type { ConnectionEnvironment } from "../../widgets/connection/environment.ts";
import { RetrySchedule } from "../../widgets/connection/retry-schedule.ts";
import { fakeClock, fakePage } from "./support/fakes.ts";

const SETTINGS = {
  transport: "fetch",
  bufferDetectMs: 2000,
  maxRetries: 2,
  retryBaseMs: 500,
  retryMaxMs: 15000,
  stallMs: 45000,
  headers: {},
} as ConnectionSettings;

/** A schedule over a fake clock and page whose `navigator.onLine` the test sets. */
function offlineSchedule() {
  const clock = fakeClock();
  const page = fakePage();
  const navigator = { onLine: false };
  Object.assign(page.window, { navigator });
  const env = { ...clock, random: () => 0.5, ...page } as unknown as ConnectionEnvironment;
  const schedule = new RetrySchedule(env, () => SETTINGS);
  schedule.listen();
  return { clock, page, navigator, schedule };
}

Deno.test("retry schedule waits offline for `online`, without a timer or an attempt counted", () => {
  const { clock, page, navigator, schedule } = offlineSchedule();
  let retries = 0;
  // More waits than max-retries: none of them is an attempt.
  for (let wait = 0; wait < 5; wait++) assert.equal(schedule.schedule(() => retries++), true);
  clock.advance(60_000);
  assert.equal(retries, 0);
  assert.equal(clock.pending, 0);
  navigator.onLine = true;
  page.window.dispatchEvent(new Event("online"));
  assert.equal(retries, 1);
});

Deno.test("retry schedule counts attempts again once online", () => {
  const { navigator, schedule } = offlineSchedule();
  navigator.onLine = true;
  assert.equal(schedule.schedule(() => {}), true);
  assert.equal(schedule.schedule(() => {}), true);
  assert.equal(schedule.schedule(() => {}), false);
});
