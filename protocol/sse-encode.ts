/**
 * SSE encoder for the unified stream (DESIGN.md §3). Escapes nothing by hand: the data line is
 * `JSON.stringify` of the event, which never contains a raw CR or LF.
 */
import { formatCursor, type StreamEvent } from "./events.ts";

const FORBIDDEN = /[\r\n\0]/;

/** Thrown when a value cannot be written to an SSE stream without changing its meaning. */
export class SseEncodeError extends Error {
  override name = "SseEncodeError";
}

/**
 * Encodes one event as an SSE message: an `id: <runId>.<seq>` line (except for heartbeats and
 * seq-0 events, which must not move the resume cursor), one `data:` line, a blank line.
 */
export function encodeEvent(event: StreamEvent): string {
  const data = JSON.stringify(event);
  if (event.type === "heartbeat" || event.seq === 0) return `data: ${data}\n\n`;
  const id = formatCursor(event.runId, event.seq);
  if (FORBIDDEN.test(id)) {
    throw new SseEncodeError(`Id contains CR, LF or NUL: ${JSON.stringify(id)}`);
  }
  return `id: ${id}\ndata: ${data}\n\n`;
}

/** Encodes the reconnection-time line the stream starts with. */
export function encodeRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new SseEncodeError(`Retry must be a non-negative integer: ${ms}`);
  }
  return `retry: ${ms}\n\n`;
}
