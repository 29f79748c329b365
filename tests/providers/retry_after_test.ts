import assert from "node:assert/strict";
import { backoffMs } from "../../server/providers/retry-after.ts";

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
