import assert from "node:assert/strict";
import { backoffDelay } from "../../widgets/connection/backoff.ts";

const options = { baseMs: 500, maxMs: 15000 };

Deno.test("backoff ceiling doubles per attempt (random just under 1)", () => {
  const random = () => 0.999;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { ...options, random })),
    [499, 999, 1998, 3996, 7992, 14985],
  );
});

Deno.test("backoff ceiling stops at maxMs", () => {
  assert.equal(backoffDelay(20, { ...options, random: () => 0.5 }), 7500);
});

Deno.test("backoff jitter spans the whole range down to zero", () => {
  assert.equal(backoffDelay(3, { ...options, random: () => 0 }), 0);
  assert.equal(backoffDelay(3, { ...options, random: () => 0.25 }), 1000);
});

Deno.test("backoff adds its jitter above the server's retry floor", () => {
  assert.equal(backoffDelay(0, { ...options, floorMs: 1000, random: () => 0 }), 1000);
  assert.equal(backoffDelay(0, { ...options, floorMs: 1000, random: () => 0.9 }), 1450);
  assert.equal(backoffDelay(4, { ...options, floorMs: 1000, random: () => 0.5 }), 5000);
});
