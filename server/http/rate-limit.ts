/** Runs started per client per minute (DESIGN.md §5): a sliding one-minute window per client. */

const WINDOW_MS = 60_000;
// Past this many tracked clients, idle ones are swept so the map cannot grow without bound.
const SWEEP_AT = 10_000;

/** The verdict for one attempt: allowed, or how many seconds until it would be. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A client's attempts in the window, oldest first: `times` from `head` on (a queue). */
interface Window {
  times: number[];
  head: number;
}

/** A limiter of `perMinute` attempts per client key. */
export function createRateLimiter(perMinute: number, now: () => number) {
  const seen = new Map<string, Window>();
  /** Drops the attempts that left the window: each once, so an attempt costs O(1) on average. */
  const expire = (window: Window, t: number) => {
    while (window.head < window.times.length && window.times[window.head] <= t - WINDOW_MS) {
      window.head++;
    }
    if (window.head > 1024 && window.head * 2 > window.times.length) {
      window.times = window.times.slice(window.head);
      window.head = 0;
    }
  };
  return {
    /** Records an attempt by `client` when allowed. */
    attempt(client: string): RateDecision {
      const t = now();
      if (seen.size > SWEEP_AT) {
        for (const [key, { times }] of seen) {
          const last = times[times.length - 1];
          if (last === undefined || last <= t - WINDOW_MS) seen.delete(key);
        }
      }
      let window = seen.get(client);
      if (window === undefined) seen.set(client, window = { times: [], head: 0 });
      expire(window, t);
      if (window.times.length - window.head >= perMinute) {
        return {
          allowed: false,
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((window.times[window.head] + WINDOW_MS - t) / 1000),
          ),
        };
      }
      window.times.push(t);
      return { allowed: true };
    },
    /** Gives back the latest allowed attempt of `client`: what it was for did not start. */
    refund(client: string): void {
      const window = seen.get(client);
      if (window && window.times.length > window.head) window.times.pop();
    },
  };
}

/** A rate limiter. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
