/**
 * Structured one-line logs. Fields are ids, sizes, timings and error codes only: the type admits
 * no free text, so prompt, reasoning and answer text cannot reach a log by accident of shape.
 */

/** A log field value: numbers, booleans and short identifiers. */
export type LogValue = string | number | boolean | undefined;

/** Writes one structured log line for an event name. */
export type Logger = (event: string, fields?: Record<string, LogValue>) => void;

/** A logger writing JSON lines through `write` (stderr in production, an array in tests). */
export function createLogger(write: (line: string) => void, now: () => number = Date.now): Logger {
  return (event, fields = {}) => {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    write(JSON.stringify({ ts: new Date(now()).toISOString(), event, ...defined }));
  };
}
