import assert from "node:assert/strict";
import { retryAfterMs } from "../../protocol/retry-after.ts";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

Deno.test("retryAfterMs reads delta-seconds", () => {
  assert.equal(retryAfterMs("3", NOW), 3_000);
  assert.equal(retryAfterMs(" 0.5 ", NOW), 500);
  assert.equal(retryAfterMs("0", NOW), 0);
});

Deno.test("retryAfterMs reads an HTTP-date relative to now, in each of its forms", () => {
  assert.equal(retryAfterMs("Thu, 15 Jan 2026 12:00:07 GMT", NOW), 7_000);
  assert.equal(retryAfterMs("Thursday, 15-Jan-26 12:00:07 GMT", NOW), 7_000);
  assert.equal(retryAfterMs("Thu Jan 15 12:00:07 2026", NOW) !== undefined, true);
});

Deno.test("retryAfterMs treats a past HTTP-date as retry at once", () => {
  assert.equal(retryAfterMs("Thu, 15 Jan 2026 11:59:00 GMT", NOW), 0);
});

Deno.test("retryAfterMs ignores absent and unparseable values", () => {
  for (const value of [null, undefined, "", "-5", "soon", "2026-01-15", "15 Jan 2026"]) {
    assert.equal(retryAfterMs(value, NOW), undefined, String(value));
  }
});
