/** The events `<stream-provider>` fires: `Event` subclasses that bubble and cross shadow roots. */
import type { ErrorCode, FinishReason, StreamEvent } from "../protocol/events.ts";
import type { StreamStatus } from "./state/view-state.ts";

const init: EventInit = { bubbles: true, composed: true };

/** `stream-status`: the connection/run status changed. */
export class StreamStatusEvent extends Event {
  constructor(readonly status: StreamStatus) {
    super("stream-status", init);
  }
}

/** `stream-event`: one event of the run was applied (replays and heartbeats are not reported). */
export class StreamEventEvent extends Event {
  constructor(readonly event: StreamEvent) {
    super("stream-event", init);
  }
}

/**
 * `stream-done`: the run ended, once per run however it ended; `verified` tells whether the
 * rendered text matches the server's digest (false when no digest came: a failure, a recovery).
 */
export class StreamDoneEvent extends Event {
  constructor(readonly finishReason: FinishReason, readonly verified: boolean) {
    super("stream-done", init);
  }
}

/** `stream-error`: the run or the connection failed; partial content stays. */
export class StreamErrorEvent extends Event {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly retryAvailable: boolean,
  ) {
    super("stream-error", init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    "stream-status": StreamStatusEvent;
    "stream-event": StreamEventEvent;
    "stream-done": StreamDoneEvent;
    "stream-error": StreamErrorEvent;
  }
}
