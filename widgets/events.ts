/**
 * The events `<stream-provider>` fires: `Event` subclasses that bubble and cross shadow roots. As
 * Web Awesome's do, each carries its fields as `detail` (what frameworks and most listeners read)
 * and also as its own properties.
 */
import type { ErrorCode, FinishReason, StreamEvent } from "../protocol/events.ts";
import type { StreamStatus, TransportName } from "./state/view-state.ts";

const init: EventInit = { bubbles: true, composed: true };

/** The `detail` of `stream-status`. */
export interface StreamStatusDetail {
  status: StreamStatus;
  /** The transport in use (`fetch`, `eventsource`, `poll`, `batch`), once the work has one. */
  transport?: TransportName;
}

/** The `detail` of `stream-event`. */
export interface StreamEventDetail {
  event: StreamEvent;
}

/** The `detail` of `stream-done`. */
export interface StreamDoneDetail {
  finishReason: FinishReason;
  /** Whether the rendered text hashes to the server's digest. */
  verified: boolean;
}

/** The `detail` of `stream-error`. */
export interface StreamErrorDetail {
  code: ErrorCode;
  message: string;
  retryAvailable: boolean;
}

/** `stream-status`: the connection/run status, or the transport carrying the work, changed. */
export class StreamStatusEvent extends Event {
  readonly detail: StreamStatusDetail;
  constructor(readonly status: StreamStatus, readonly transport?: TransportName) {
    super("stream-status", init);
    this.detail = transport === undefined ? { status } : { status, transport };
  }
}

/** `stream-event`: one event of the run was applied (replays and heartbeats are not reported). */
export class StreamEventEvent extends Event {
  readonly detail: StreamEventDetail;
  constructor(readonly event: StreamEvent) {
    super("stream-event", init);
    this.detail = { event };
  }
}

/**
 * `stream-done`: the run ended, once per run however it ended; `verified` tells whether the
 * rendered text matches the server's digest (false when no digest came: a failure, a recovery).
 */
export class StreamDoneEvent extends Event {
  readonly detail: StreamDoneDetail;
  constructor(readonly finishReason: FinishReason, readonly verified: boolean) {
    super("stream-done", init);
    this.detail = { finishReason, verified };
  }
}

/** `stream-error`: the run or the connection failed; partial content stays. */
export class StreamErrorEvent extends Event {
  readonly detail: StreamErrorDetail;
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly retryAvailable: boolean,
  ) {
    super("stream-error", init);
    this.detail = { code, message, retryAvailable };
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
