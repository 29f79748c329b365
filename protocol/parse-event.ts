/** Validates one SSE `data` payload as a StreamEvent, never throwing on bad input. */
import { StreamEvent } from "./events.ts";

/** The outcome of parsing a payload: the event, or why it was rejected. */
export type ParseResult =
  | { ok: true; event: StreamEvent }
  | { ok: false; reason: "invalid_json" | "invalid_event"; detail: string };

/** Parses and validates a `data` payload. */
export function parseEvent(data: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, reason: "invalid_json", detail: "Payload is not JSON" };
  }
  const result = StreamEvent.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  const first = result.error.issues[0];
  const where = first?.path.length ? first.path.join(".") : "event";
  return {
    ok: false,
    reason: "invalid_event",
    detail: `Invalid ${where}: ${first?.code ?? "unknown"}`,
  };
}
