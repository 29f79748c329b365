import assert from "node:assert/strict";
import { createRateLimiter } from "../../server/http/rate-limit.ts";

Deno.test("rate limiter allows perMinute attempts in any sliding minute, per client", () => {
  let now = 0;
  const limiter = createRateLimiter(3, () => now);
  for (const t of [0, 10_000, 20_000]) {
    now = t;
    assert.deepEqual(limiter.attempt("a"), { allowed: true });
  }
  now = 30_000;
  assert.deepEqual(limiter.attempt("a"), { allowed: false, retryAfterSeconds: 30 });
  assert.deepEqual(limiter.attempt("b"), { allowed: true }, "another client has its own window");
  now = 60_000;
  assert.deepEqual(limiter.attempt("a"), { allowed: true }, "the attempt at 0 left the window");
  assert.deepEqual(limiter.attempt("a"), { allowed: false, retryAfterSeconds: 10 });
});

Deno.test("rate limiter refund gives back the latest attempt only", () => {
  const limiter = createRateLimiter(2, () => 0);
  limiter.attempt("a");
  limiter.attempt("a");
  limiter.refund("a");
  assert.deepEqual(limiter.attempt("a"), { allowed: true });
  assert.equal(limiter.attempt("a").allowed, false);
  limiter.refund("nobody");
});

Deno.test("rate limiter counts exactly over many attempts as the window slides", () => {
  let now = 0;
  const limiter = createRateLimiter(5_000, () => now);
  let allowed = 0;
  // 100 attempts a second for 3 minutes: 5,000 get through in the first 50 s, then none until
  // they leave the window at 60–110 s, letting 5,000 more through, and so again at 120–170 s.
  for (let i = 0; i < 18_000; i++) {
    now = i * 10;
    if (limiter.attempt("a").allowed) allowed++;
  }
  assert.equal(allowed, 15_000);
});
