/** Tiny assertions for the browser suite (no assertion library is installed). */

/** Fails with `message` unless `condition` holds. */
export function assert(condition: unknown, message = "Assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/** Deep equality through JSON (the values compared here are plain data). */
export function assertEqual<T>(actual: T, expected: T, label = "value"): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${label}: expected ${e}, got ${a}`);
}
