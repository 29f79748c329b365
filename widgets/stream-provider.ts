import { css, html, LitElement } from "lit";
import { property } from "lit/decorators.js";
import { ContextProvider } from "@lit/context";
import { parseCursor, type StreamEvent } from "../protocol/events.ts";
import {
  ConnectionController,
  type ConnectionSettings,
} from "./connection/connection-controller.ts";
import { Conversation, messagesOf } from "./connection/api-bodies.ts";
import { apiBaseOf, caseIdOf, rebase } from "./connection/urls.ts";
import { streamContext, type StreamContextValue } from "./context.ts";
import { defineOnce } from "./define-once.ts";
import {
  StreamDoneEvent,
  StreamErrorEvent,
  StreamEventEvent,
  StreamStatusEvent,
} from "./events.ts";
import { verifyDigest } from "./integrity.ts";
import {
  connectionFailed,
  conversationJoined,
  historyLoaded,
  initialViewState,
  integrityChecked,
  reduce,
  statusChanged,
  userMessageSent,
  workStarted,
} from "./state/reducer.ts";
import { type ResumeEntry, resumeStore } from "./state/resume-store.ts";
import type { ViewError, ViewState } from "./state/view-state.ts";

/** The transports a provider can use. */
export type TransportName = ConnectionSettings["transport"];

/** The numeric attributes' defaults (DESIGN.md §6). */
const DEFAULTS = { maxRetries: 6, retryBaseMs: 500, retryMaxMs: 15000, stallMs: 45000 } as const;

/** What Retry repeats: a `src` (as a new run), a chat message, or an attachment to a run. */
type LastWork =
  | { kind: "start"; src: string }
  | { kind: "send"; message: string }
  | { kind: "attach"; runId: string };

/**
 * Owns the connection to a stream and shares its state with the elements inside it through
 * `@lit/context` (a new object on every change).
 *
 * @summary Connects to a stream of LLM output and provides it to `<reasoning-panel>` and `<chat-stream>`.
 *
 * @fires stream-status - The status changed: `idle`, `connecting`, `streaming`, `reconnecting`, `done`, `error`, `cancelled`.
 * @fires stream-event - An event of the run was applied to the view (`event`).
 * @fires stream-done - The run ended (`finishReason`, `verified`: the rendered text hashes to the server's digest).
 * @fires stream-error - The run or the connection failed (`code`, `message`, `retryAvailable`); partial content stays.
 *
 * @slot - The elements that render the stream, and anything else.
 */
export class StreamProvider extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
  `;

  /** The SSE URL of the work, e.g. `/api/cases/<id>/workflow/start/stream`. */
  @property()
  accessor src = "";

  /** Start streaming `src` as soon as the element is connected. */
  @property({ type: Boolean })
  accessor autostart = false;

  /** `fetch` (a streaming reader that can send headers), `eventsource` (native) or `batch`. */
  @property()
  accessor transport: TransportName = "fetch";

  /** Reconnection attempts in a row before falling back to batch. */
  @property({ type: Number, attribute: "max-retries" })
  accessor maxRetries: number = DEFAULTS.maxRetries;

  /** The first reconnection delay's ceiling, doubled per attempt (full jitter). */
  @property({ type: Number, attribute: "retry-base-ms" })
  accessor retryBaseMs: number = DEFAULTS.retryBaseMs;

  /** The reconnection delay never grows past this. */
  @property({ type: Number, attribute: "retry-max-ms" })
  accessor retryMaxMs: number = DEFAULTS.retryMaxMs;

  /** No event nor heartbeat for this long means the connection is dead. */
  @property({ type: Number, attribute: "stall-ms" })
  accessor stallMs: number = DEFAULTS.stallMs;

  /** Keeps the run and conversation in sessionStorage under this key to resume after a reload. */
  @property({ attribute: "resume-key" })
  accessor resumeKey = "";

  /** Where the API lives; by default the part of `src` before `/api/` (or the page's origin). */
  @property({ attribute: "api-base" })
  accessor apiBase = "";

  /** Extra request headers (fetch transport and API calls), e.g. an authorization token. */
  @property({ attribute: false })
  accessor headers: Record<string, string> = {};

  #view: ViewState = initialViewState();
  #lastWork?: LastWork;
  #cancelUrl?: string;
  #localIds = 0;
  /** Counts pieces of work, so a digest check finishing late cannot mark a newer run. */
  #workCount = 0;
  readonly #context = new ContextProvider(this, {
    context: streamContext,
    initialValue: this.#contextValue(),
  });
  readonly #connection = new ConnectionController(this, {
    settings: () => ({
      transport: this.transport,
      maxRetries: orDefault(this.maxRetries, DEFAULTS.maxRetries),
      retryBaseMs: orDefault(this.retryBaseMs, DEFAULTS.retryBaseMs),
      retryMaxMs: orDefault(this.retryMaxMs, DEFAULTS.retryMaxMs),
      stallMs: orDefault(this.stallMs, DEFAULTS.stallMs),
      headers: this.headers,
    }),
    sink: {
      event: (event) => this.#apply(event),
      status: (status) => this.#commit(statusChanged(this.#view, status)),
      failed: (error) => this.#failed(error),
      chatStarted: (started) => {
        this.#cancelUrl = rebase(started.cancelUrl, this.#base);
        this.#remember({ runId: started.runId, conversationId: started.conversationId });
        this.#commit(conversationJoined(this.#view, started.conversationId));
      },
      history: (conversation) => {
        this.#remember({ runId: undefined });
        this.#commit(statusChanged(historyLoaded(this.#view, conversation), "done"));
      },
    },
  });

  /** The current view state (what the panels render). */
  get view(): ViewState {
    return this.#view;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#view.status !== "idle" || this.#lastWork) return;
    const saved = this.resumeKey ? resumeStore(sessionStorage, this.resumeKey).load() : undefined;
    if (saved?.runId || saved?.conversationId) void this.#resume(saved);
    else if (this.autostart && this.src) this.start();
  }

  /** Starts the work of `src` (or of the given URL, which becomes `src`) as a new run. */
  start(src?: string): void {
    if (src !== undefined) this.src = src;
    if (!this.src) return;
    this.#lastWork = { kind: "start", src: this.src };
    this.#begin();
    this.#remember({ runId: undefined, src: this.src });
    this.#connection.stream(this.src);
  }

  /**
   * Attaches to a run (any number of viewers may). `cursor` resumes after that event when this
   * provider already shows the run; otherwise the run is replayed from its start.
   */
  attach(runId: string, cursor?: string): void {
    const position = cursor === undefined ? undefined : parseCursor(cursor);
    const resume = position?.runId === runId && this.#view.runId === runId ? position : undefined;
    this.#lastWork = { kind: "attach", runId };
    if (!resume) this.#begin();
    this.#connection.stream(`${this.#base}/api/runs/${encodeURIComponent(runId)}/stream`, resume);
  }

  /** Sends a chat message (shown at once) and streams the reply; the conversation carries on. */
  send(message: string): Promise<void> {
    const text = message.trim();
    if (text === "") return Promise.resolve();
    this.#lastWork = { kind: "send", message: text };
    this.#begin();
    this.#commit(userMessageSent(this.#view, { id: `local-${++this.#localIds}`, content: text }));
    const caseId = caseIdOf(this.src);
    const conversationId = this.#view.conversationId;
    this.#connection.chat(this.#base, {
      message: text,
      ...(conversationId === undefined ? {} : { conversationId }),
      ...(caseId === undefined ? {} : { caseId }),
    });
    return Promise.resolve();
  }

  /** Cancels the current run on the server, which then ends the stream with `cancelled`. */
  async cancel(): Promise<void> {
    const runId = this.#view.runId ?? this.#connection.runId;
    if (runId === undefined || !isActive(this.#view)) return;
    const url = this.#cancelUrl ?? `${this.#base}/api/runs/${encodeURIComponent(runId)}/cancel`;
    await this.#connection.request(url, {});
  }

  /** Detaches from the stream without cancelling the run; the view keeps what it shows. */
  disconnect(): void {
    this.#connection.stop();
    this.#commit(statusChanged(this.#view, "idle"));
  }

  /**
   * Starts the failed or cancelled work again: the last chat message is re-sent; otherwise `src`
   * starts a new run (an attached run that failed cannot be resumed), or, without `src`, the
   * run is attached again.
   */
  retry(): void {
    const work = this.#lastWork;
    switch (work?.kind) {
      case undefined:
        return;
      case "start":
        return this.start(work.src);
      case "send":
        void this.send(work.message);
        return;
      case "attach":
        return this.src ? this.start() : this.attach(work.runId);
    }
  }

  /** Forgets everything: the connection, the view, the conversation and the saved place. */
  reset(): void {
    this.#connection.stop();
    this.#lastWork = undefined;
    this.#workCount++;
    this.#remember({ runId: undefined, src: undefined, conversationId: undefined });
    this.#commit(initialViewState());
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  get #base(): string {
    return this.apiBase || apiBaseOf(this.src);
  }

  #begin(): void {
    this.#workCount++;
    this.#cancelUrl = undefined;
    this.#commit(workStarted(this.#view));
  }

  async #resume(saved: ResumeEntry): Promise<void> {
    if (saved.src) this.src ||= saved.src;
    const history = saved.conversationId === undefined
      ? undefined
      : await this.#connection.request(`${this.#base}/api/conversations/${saved.conversationId}`);
    const conversation = history?.type === "ok" ? Conversation.safeParse(history.body) : undefined;
    if (conversation?.success) {
      const messages = messagesOf(conversation.data);
      this.#commit(historyLoaded(this.#view, { conversationId: conversation.data.id, messages }));
      // A reply saved in the history has ended: nothing left to attach to.
      const ended = messages.some((message) =>
        message.role === "assistant" && message.runId === saved.runId
      );
      if (ended) return;
    }
    if (saved.runId) this.attach(saved.runId);
  }

  #apply(event: StreamEvent): void {
    const before = this.#view;
    this.#commit(reduce(before, event));
    if (this.#view === before) return;
    this.dispatchEvent(new StreamEventEvent(event));
    switch (event.type) {
      case "run_start":
        this.#remember({ runId: event.runId, conversationId: this.#view.conversationId });
        return;
      case "error":
        this.#reportError(this.#view.error);
        return;
      case "stream_done":
        this.#remember({ runId: undefined });
        void this.#verify(event.metadata.finish_reason, event.metadata.digest);
        return;
      case "stage_start":
      case "content_chunk":
      case "stage_complete":
      case "heartbeat":
        return;
    }
  }

  async #verify(
    finishReason: Extract<StreamEvent, { type: "stream_done" }>["metadata"]["finish_reason"],
    digest: { reasoning: string; chat: string },
  ): Promise<void> {
    const work = this.#workCount;
    const verified = await verifyDigest(this.#view, digest);
    // Newer work may have begun while hashing: its view must not be marked.
    if (work !== this.#workCount) return;
    this.#commit(integrityChecked(this.#view, verified));
    this.dispatchEvent(new StreamDoneEvent(finishReason, verified));
  }

  #failed(error: ViewError): void {
    this.#commit(connectionFailed(this.#view, error));
    this.#reportError(error);
  }

  #reportError(error: ViewError | undefined): void {
    if (error) {
      this.dispatchEvent(new StreamErrorEvent(error.code, error.message, error.retryAvailable));
    }
  }

  /** Updates the saved place (only with `resume-key`). */
  #remember(change: ResumeEntry): void {
    if (this.resumeKey) resumeStore(sessionStorage, this.resumeKey).update(change);
  }

  #commit(next: ViewState): void {
    if (next === this.#view) return;
    const statusBefore = this.#view.status;
    this.#view = next;
    this.#context.setValue(this.#contextValue());
    if (next.status !== statusBefore) this.dispatchEvent(new StreamStatusEvent(next.status));
  }

  #contextValue(): StreamContextValue {
    return {
      view: this.#view,
      send: (message) => this.send(message),
      cancel: () => this.cancel(),
      retry: () => this.retry(),
    };
  }
}

/** A numeric attribute's value, or its default when the page wrote something that is not one. */
function orDefault(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function isActive(view: ViewState): boolean {
  return view.status === "connecting" || view.status === "streaming" ||
    view.status === "reconnecting";
}

defineOnce("stream-provider", StreamProvider);

declare global {
  interface HTMLElementTagNameMap {
    "stream-provider": StreamProvider;
  }
}
