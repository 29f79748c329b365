/**
 * The public attributes and properties of `<stream-provider>` (DESIGN.md §6), and the connection
 * settings they make.
 */
import { LitElement } from "lit";
import { property } from "lit/decorators.js";
import type { ConnectionSettings } from "./connection/connection-types.ts";
import type { TokenSource } from "./connection/token-source.ts";
import type { StreamStrings } from "./strings.ts";

/** The transports a provider can use. */
export type TransportName = ConnectionSettings["transport"];

/** The numeric attributes' defaults (DESIGN.md §6). */
const DEFAULTS = {
  maxRetries: 6,
  retryBaseMs: 500,
  retryMaxMs: 15000,
  stallMs: 45000,
  bufferDetectMs: 2000,
} as const;

/** What `<stream-provider>` is configured with. */
export abstract class StreamProviderAttributes extends LitElement {
  /** The SSE URL of the work, e.g. `/api/cases/<id>/workflow/start/stream`. */
  @property()
  accessor src = "";

  /** Start streaming `src` as soon as the element is connected. */
  @property({ type: Boolean })
  accessor autostart = false;

  /**
   * `fetch` (a streaming reader that can send headers; it moves to long-poll on its own where a
   * proxy holds the stream back), `eventsource` (native), `poll` (long-poll) or `batch`.
   */
  @property()
  accessor transport: TransportName = "fetch";

  /** Reconnection attempts in a row before falling back to batch. */
  @property({ type: Number, attribute: "max-retries" })
  accessor maxRetries: number = DEFAULTS.maxRetries;

  /** The first reconnection delay's ceiling, doubled per attempt (full jitter). */
  @property({ type: Number, attribute: "retry-base-ms" })
  accessor retryBaseMs: number = DEFAULTS.retryBaseMs;

  /**
   * The jitter's ceiling never grows past this. The delay is the server's `retry:` (when it sent
   * one) plus that jitter, so viewers cut at the same moment do not reconnect in lockstep.
   */
  @property({ type: Number, attribute: "retry-max-ms" })
  accessor retryMaxMs: number = DEFAULTS.retryMaxMs;

  /** No event nor heartbeat for this long means the connection is dead. */
  @property({ type: Number, attribute: "stall-ms" })
  accessor stallMs: number = DEFAULTS.stallMs;

  /**
   * No byte of a stream for this long means a proxy holds it back: the run goes on by long-poll.
   * Also how long a connection may have been silent when the page becomes visible again before it
   * is replaced at once.
   */
  @property({ type: Number, attribute: "buffer-detect-ms" })
  accessor bufferDetectMs: number = DEFAULTS.bufferDetectMs;

  /** Keeps the run and conversation in sessionStorage under this key to resume after a reload. */
  @property({ attribute: "resume-key" })
  accessor resumeKey = "";

  /** Where the API lives; by default the part of `src` before `/api/` (or the page's origin). */
  @property({ attribute: "api-base" })
  accessor apiBase = "";

  /** Extra request headers (fetch transport and API calls), e.g. an authorization token. */
  @property({ attribute: false })
  accessor headers: Record<string, string> = {};

  /**
   * The signed-in user's bearer token, or a function returning one (or a promise of one): read
   * before every connection and API call, so a refreshed token is used as soon as it is given.
   */
  @property({ attribute: false })
  accessor token: TokenSource | undefined;

  /**
   * The `fetch` every request of the provider goes through (stream, long-poll, API calls,
   * fallbacks), read at each request; the page's own when unset. A test gives it a scripted
   * stream's (`stream-widgets/testing`), so the elements run their whole real path with no server.
   */
  @property({ attribute: false })
  accessor fetch: typeof fetch | undefined;

  /** Replacements for the default English strings it announces and fires (`errors`). */
  @property({ attribute: false })
  accessor strings: Partial<StreamStrings> | undefined;

  /** The connection settings the attributes make, read at each use. */
  protected connectionSettings(): ConnectionSettings {
    return {
      transport: this.transport,
      maxRetries: orDefault(this.maxRetries, DEFAULTS.maxRetries),
      retryBaseMs: orDefault(this.retryBaseMs, DEFAULTS.retryBaseMs),
      retryMaxMs: orDefault(this.retryMaxMs, DEFAULTS.retryMaxMs),
      stallMs: orDefault(this.stallMs, DEFAULTS.stallMs),
      bufferDetectMs: orDefault(this.bufferDetectMs, DEFAULTS.bufferDetectMs),
      headers: this.headers,
      ...(this.token === undefined ? {} : { token: this.token }),
    };
  }
}

/** A numeric attribute's value, or its default when the page wrote something that is not one. */
function orDefault(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
