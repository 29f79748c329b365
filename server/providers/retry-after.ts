/** When to try an upstream call again. */

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds or an HTTP-date relative to
 * `now`; `undefined` when absent or unparseable. A date in the past means retry at once.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the day name.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff for retry `attempt` (0-based) when the upstream gave no Retry-After. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
}
