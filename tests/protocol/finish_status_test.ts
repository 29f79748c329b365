import assert from "node:assert/strict";
import { finishReasonOf, finishStatus } from "../../protocol/finish-status.ts";

Deno.test("finishStatus counts an answer stopped or cut at its length as complete", () => {
  assert.deepEqual([finishStatus("stop"), finishStatus("length")], ["complete", "complete"]);
});

Deno.test("finishStatus keeps a cancelled or failed run as it ended", () => {
  assert.deepEqual([finishStatus("cancelled"), finishStatus("error")], ["cancelled", "error"]);
});

Deno.test("finishReasonOf reports a complete run as stopped and a running one as failed", () => {
  assert.deepEqual(
    (["complete", "cancelled", "error", "running"] as const).map(finishReasonOf),
    ["stop", "cancelled", "error", "error"],
  );
});
