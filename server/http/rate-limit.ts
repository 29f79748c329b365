/** Runs started per client per minute (DESIGN.md §5): a sliding one-minute window per client. */

const WINDOW_MS = 60_000;
// Past this many tracked clients, idle ones are swept so the map cannot grow without bound.
const SWEEP_AT = 10_000;

/** The verdict for one attempt: allowed, or how many seconds until it would be. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A limiter of `perMinute` attempts per client key. */
export function createRateLimiter(perMinute: number, now: () => number) {
  const seen = new Map<string, number[]>();
  return {
    /** Records an attempt by `client` when allowed. */
    attempt(client: string): RateDecision {
      const t = now();
      if (seen.size > SWEEP_AT) {
        for (const [key, times] of seen) {
          if (times[times.length - 1] <= t - WINDOW_MS) seen.delete(key);
        }
      }
      const recent = (seen.get(client) ?? []).filter((time) => time > t - WINDOW_MS);
      if (recent.length >= perMinute) {
        seen.set(client, recent);
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + WINDOW_MS - t) / 1000)),
        };
      }
      recent.push(t);
      seen.set(client, recent);
      return { allowed: true };
    },
    /** Gives back the latest allowed attempt of `client`: what it was for did not start. */
    refund(client: string): void {
      seen.get(client)?.pop();
    },
  };
}

/** A rate limiter. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
