/**
 * The `Retry-After` header (RFC 9110), as the server reads it from an upstream model and the
 * elements read it from the server. Pure.
 */

/**
 * The wait a `Retry-After` value asks for, in ms: delta-seconds or an HTTP-date relative to epoch
 * ms `now`; `undefined` when absent or unparseable. A date in the past means retry at once.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the day name; Date.parse
  // alone would also take forms no server sends.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
