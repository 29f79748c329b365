import assert from "node:assert/strict";
import { stepAfter, stepAfterHealth } from "../../widgets/connection/next-step.ts";

Deno.test("next step after a stream that ended or was cut is a retry", () => {
  assert.deepEqual(stepAfter({ type: "ended" }, "fetch"), { type: "retry" });
  assert.deepEqual(stepAfter({ type: "aborted" }, "eventsource"), { type: "retry" });
});

Deno.test("next step after an EventSource failure asks the health endpoint", () => {
  assert.deepEqual(stepAfter({ type: "failed" }, "eventsource"), { type: "probe" });
  assert.deepEqual(stepAfter({ type: "failed" }, "fetch"), { type: "retry" });
});

Deno.test("next step after a refusal falls back, retries no sooner than asked, or fails", () => {
  const refused = (status: number, extra = {}) => ({ type: "refused" as const, status, ...extra });
  assert.deepEqual(stepAfter(refused(503, { code: "streaming_disabled" }), "fetch"), {
    type: "fall-back",
  });
  assert.deepEqual(stepAfter(refused(429, { retryAfterMs: 3000 }), "fetch"), {
    type: "retry",
    floorMs: 3000,
  });
  assert.deepEqual(stepAfter(refused(404), "fetch"), {
    type: "fail",
    error: { code: "not_found", message: undefined, retryAvailable: false },
  });
});

Deno.test("next step after the health probe falls back only when streaming is off", () => {
  assert.deepEqual(stepAfterHealth({ type: "ok", body: { streaming: false } }), {
    type: "fall-back",
  });
  assert.deepEqual(stepAfterHealth({ type: "ok", body: { streaming: true } }), { type: "retry" });
  assert.deepEqual(stepAfterHealth({ type: "failed" }), { type: "retry" });
});
