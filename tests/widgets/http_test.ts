import assert from "node:assert/strict";
import { retryAfterMs } from "../../widgets/connection/http.ts";

const NOW = Date.UTC(2025, 0, 6, 12, 0, 0);

Deno.test("retryAfterMs reads a number of seconds", () => {
  assert.equal(retryAfterMs("3", NOW), 3000);
});

Deno.test("retryAfterMs reads an HTTP date as the time left until it", () => {
  assert.equal(retryAfterMs("Mon, 06 Jan 2025 12:00:05 GMT", NOW), 5000);
});

Deno.test("retryAfterMs asks no wait for an HTTP date already past", () => {
  assert.equal(retryAfterMs("Mon, 06 Jan 2025 11:59:00 GMT", NOW), 0);
});

Deno.test("retryAfterMs ignores a missing or unreadable value", () => {
  assert.equal(retryAfterMs(null, NOW), undefined);
  assert.equal(retryAfterMs("soon", NOW), undefined);
});
