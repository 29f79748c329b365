/**
 * Where a connection stands in its work: the run it reads, the last event of it delivered, and
 * the conversation its chat messages continue. The connection controller is the one owner of
 * this; the view records what it applied, and the saved place derives from it. Pure.
 */
import { formatCursor, type StreamEvent } from "../../protocol/events.ts";

/** A connection's place: `seq` is the last delivered event of `runId` (0: none yet). */
export interface RunPosition {
  readonly runId?: string;
  readonly seq: number;
  readonly conversationId?: string;
}

/** No run yet, in the conversation `conversationId` (if any). */
export function startPosition(conversationId?: string): RunPosition {
  return conversationId === undefined ? { seq: 0 } : { seq: 0, conversationId };
}

/** The resume cursor `<runId>.<seq>`, once an event of the run was delivered. */
export function cursorOf(position: RunPosition): string | undefined {
  return position.runId !== undefined && position.seq > 0
    ? formatCursor(position.runId, position.seq)
    : undefined;
}

/**
 * The position after `event`, or `undefined` when the event must not be delivered: a replay (seq
 * at or before the cursor) or an event of another run. A `run_start` begins a run, unless it is
 * the replay of the current one. Heartbeats and seq-0 events (a lost stream) carry no position:
 * they are delivered and move nothing.
 */
export function advance(position: RunPosition, event: StreamEvent): RunPosition | undefined {
  if (event.type === "heartbeat" || event.seq === 0) return position;
  const sameRun = event.runId === position.runId;
  if (event.type === "run_start") {
    if (sameRun && event.seq <= position.seq) return undefined;
    return {
      runId: event.runId,
      seq: event.seq,
      conversationId: event.metadata.conversation_id ?? position.conversationId,
    };
  }
  return sameRun && event.seq > position.seq ? { ...position, seq: event.seq } : undefined;
}
