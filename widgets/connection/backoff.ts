/** Reconnection delays: exponential backoff with full jitter. Pure; randomness is injected. */

/** What a delay depends on besides the attempt number. */
export interface BackoffOptions {
  /** The first attempt's ceiling (`retry-base-ms`). */
  baseMs: number;
  /** The ceiling never grows past this (`retry-max-ms`). */
  maxMs: number;
  /** The server's `retry:` value: never reconnect sooner. */
  floorMs?: number;
  /** A number in [0, 1). */
  random: () => number;
}

/**
 * The delay before reconnection attempt `attempt` (0 for the first): the server's floor plus a
 * uniform jitter in [0, min(maxMs, baseMs · 2^attempt)) ("full jitter"). The jitter sits above the
 * floor, not under it, so clients cut at the same moment never reconnect in lockstep.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, floorMs = 0, random }: BackoffOptions,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return floorMs + Math.floor(random() * ceiling);
}
