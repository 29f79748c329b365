import assert from "node:assert/strict";
import { backoffMs, retryAfterMs } from "../../server/providers/retry-after.ts";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

Deno.test("retryAfterMs reads delta-seconds", () => {
  assert.equal(retryAfterMs("3", NOW), 3_000);
  assert.equal(retryAfterMs(" 0.5 ", NOW), 500);
  assert.equal(retryAfterMs("0", NOW), 0);
});

Deno.test("retryAfterMs reads an HTTP-date relative to now", () => {
  assert.equal(retryAfterMs("Thu, 15 Jan 2026 12:00:07 GMT", NOW), 7_000);
});

Deno.test("retryAfterMs treats a past HTTP-date as retry at once", () => {
  assert.equal(retryAfterMs("Thu, 15 Jan 2026 11:59:00 GMT", NOW), 0);
});

Deno.test("retryAfterMs ignores absent and unparseable values", () => {
  assert.equal(retryAfterMs(null, NOW), undefined);
  assert.equal(retryAfterMs("", NOW), undefined);
  assert.equal(retryAfterMs("-5", NOW), undefined);
  assert.equal(retryAfterMs("soon", NOW), undefined);
});

Deno.test("backoffMs doubles from 500 ms up to 8 s", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map(backoffMs), [
    500,
    1_000,
    2_000,
    4_000,
    8_000,
    8_000,
    8_000,
  ]);
});
