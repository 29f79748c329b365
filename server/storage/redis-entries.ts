/**
 * Events read back from Redis, validated by the protocol schema. A log is served only up to its
 * first entry that is not the run's next event (a gap, bad JSON, a foreign event): past it the
 * no-gap guarantee cannot hold, so readers treat the run as lost there. No I/O here.
 */
import { type SequencedEvent, StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import type { RunInfo } from "../runs/run.ts";
import { seqOfEntry } from "./redis-layout.ts";

/** A stream entry as XRANGE and XREAD answer it: its id and its fields, `["e", <event JSON>]`. */
export type StreamEntry = [id: string, fields: string[]];

/** Events read in seq order; `intact` is false when the log broke after the last of them. */
export interface ReadEvents {
  events: SequencedEvent[];
  intact: boolean;
}

/** The run's events in `entries`, continuing from `afterSeq`, up to the first that does not fit. */
export function readEntries(
  entries: readonly StreamEntry[],
  { runId, afterSeq = 0 }: { runId: string; afterSeq?: number },
): ReadEvents {
  const events: SequencedEvent[] = [];
  for (const [id, fields] of entries) {
    const seq = afterSeq + events.length + 1;
    const parsed = fields[0] === "e" && fields.length === 2 ? parseEvent(fields[1]) : undefined;
    if (seqOfEntry(id) !== seq || !parsed?.ok || !isEventAt(parsed.event, runId, seq)) {
      return { events, intact: false };
    }
    events.push(parsed.event);
  }
  return { events, intact: true };
}

/** A finished run's durable log (`{info, events}` JSON); undefined when it is not one. */
export function parseRunLog(
  text: string,
  runId: string,
): { info: RunInfo; events: SequencedEvent[]; intact: boolean } | undefined {
  let value: { info?: RunInfo; events?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { info, events } = value ?? {};
  if (info?.id !== runId || !Array.isArray(events)) return undefined;
  const valid: SequencedEvent[] = [];
  for (const raw of events) {
    const parsed = StreamEvent.safeParse(raw);
    if (!parsed.success || !isEventAt(parsed.data, runId, valid.length + 1)) {
      return { info, events: valid, intact: false };
    }
    valid.push(parsed.data);
  }
  return { info, events: valid, intact: true };
}

function isEventAt(event: StreamEvent, runId: string, seq: number): event is SequencedEvent {
  return event.type !== "heartbeat" && event.runId === runId && event.seq === seq;
}
