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
  // JSON.stringify leaves out undefined fields: no copy of `fields` is needed to drop them.
  return (event, fields = {}) => {
    write(JSON.stringify({ ts: new Date(now()).toISOString(), event, ...fields }));
  };
}

/**
 * A line writer that sends the lines of one turn of the event loop in one write, instead of a
 * synchronous write per line; `flush` sends what waits (before the process exits).
 */
export function batchedLines(write: (text: string) => void): {
  line(text: string): void;
  flush(): void;
} {
  let waiting: string[] = [];
  const flush = () => {
    if (waiting.length === 0) return;
    const text = waiting.join("\n") + "\n";
    waiting = [];
    write(text);
  };
  return {
    line(text) {
      if (waiting.push(text) === 1) setTimeout(flush, 0);
    },
    flush,
  };
}
