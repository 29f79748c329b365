/** The shape every streaming transport shares, so the controller treats fetch and EventSource alike. */
import type { ErrorCode } from "../../protocol/events.ts";
import type { SseMessage } from "../../protocol/sse-decode.ts";

/** How one streaming connection ended. */
export type StreamOutcome =
  /** The response ended, cleanly or cut mid-body by the network. */
  | { type: "ended" }
  /** The server answered with an HTTP error. */
  | {
    type: "refused";
    status: number;
    code?: ErrorCode;
    message?: string;
    retryAfterMs?: number;
    /** Which request it was: method and URL without the query (see `requestLabel`). */
    request?: string;
  }
  /** No usable response: network down, a CORS refusal, a body that is not an event stream. */
  | { type: "failed" }
  /** Stopped through the request's signal. */
  | { type: "aborted" };

/** What a transport reports while a connection lives. */
export interface StreamHandlers {
  /** The response is open. */
  open(): void;
  /** One SSE message, not yet validated. */
  message(message: SseMessage): void;
  /** The server's `retry:` value, or the protocol's default where the transport cannot read it. */
  retry(ms: number): void;
}

/** One connection attempt. */
export interface StreamRequest {
  url: string;
  /** The resume cursor `<runId>.<seq>`, when resuming. */
  cursor?: string;
  /** Extra request headers, where the transport can send them. */
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** Opens one connection and resolves when it is over. Never rejects. */
export type StreamTransport = (
  request: StreamRequest,
  handlers: StreamHandlers,
) => Promise<StreamOutcome>;
