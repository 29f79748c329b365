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
 * The delay before reconnection attempt `attempt` (0 for the first): uniform in
 * [0, min(maxMs, baseMs · 2^attempt)) ("full jitter"), raised to the server's floor.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, floorMs = 0, random }: BackoffOptions,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.max(floorMs, Math.floor(random() * ceiling));
}
