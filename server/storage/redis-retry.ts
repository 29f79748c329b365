/**
 * Writes whose outcome a timeout leaves unknown (Redis stalled, then applied them) are retried
 * until Redis answers: each is idempotent, so a late original and its retry end alike, and a
 * failure is reported only when Redis never answered in time.
 */
import type { Clock } from "../runs/timers.ts";

/** How long and how often to retry. */
export interface RetryOptions {
  clock: Clock;
  everyMs: number;
  forMs: number;
}

/** Runs `operation` until it resolves; rejects with its last error once `forMs` have passed. */
export async function untilAnswered<T>(
  operation: () => Promise<T>,
  { clock, everyMs, forMs }: RetryOptions,
): Promise<T> {
  const deadline = clock.now() + forMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      // An error Redis itself answered is final: retrying gives the same answer.
      if ((error as Error).name === "ReplyError" || clock.now() + everyMs > deadline) throw error;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, everyMs));
    }
  }
}
