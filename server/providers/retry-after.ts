/** When to try an upstream call again when it gave no `Retry-After` (see protocol/retry-after.ts). */

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

/** Exponential backoff for retry `attempt` (0-based) when the upstream gave no Retry-After. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
}
