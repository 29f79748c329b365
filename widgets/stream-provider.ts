import { css, html, LitElement } from "lit";
import { property } from "lit/decorators.js";
import { ContextProvider } from "@lit/context";
import { type FinishReason, parseCursor, type StreamEvent } from "../protocol/events.ts";
import {
  ConnectionController,
  type ConnectionSettings,
} from "./connection/connection-controller.ts";
import { conversationOf } from "./connection/api-bodies.ts";
import { apiBaseOf, caseIdOf, conversationUrl, rebase, runUrl } from "./connection/urls.ts";
import { streamContext, type StreamContextValue } from "./context.ts";
import { statusAnnouncement } from "./announcements.ts";
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
  isBusy,
  reduce,
  runCancelled,
  runRecovered,
  statusChanged,
  userMessageSent,
  workStarted,
} from "./state/reducer.ts";
import { type ResumeEntry, type ResumeStore, resumeStore } from "./state/resume-store.ts";
import type { ViewError, ViewState } from "./state/view-state.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "./live-region.ts";
import { errorMessage, resolveStrings, type StreamStrings } from "./strings.ts";
import { visuallyHiddenStyles } from "./styles/theme.ts";

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
 * @fires stream-done - The run ended, however it did, once per run (`finishReason`, `verified`: the rendered text hashes to the server's digest).
 * @fires stream-error - The run or the connection failed (`code`, `message`, `retryAvailable`); partial content stays.
 *
 * @slot - The elements that render the stream, and anything else.
 *
 * The provider announces, once for all the elements inside it, the run's end and reconnections (a
 * polite live region) and errors (an alert); each panel announces its own stages.
 */
export class StreamProvider extends LitElement {
  static override styles = [
    visuallyHiddenStyles,
    css`
      :host {
        display: block;
      }
    `,
  ];

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

  /**
   * The jitter's ceiling never grows past this. The delay is the server's `retry:` (when it sent
   * one) plus that jitter, so viewers cut at the same moment do not reconnect in lockstep.
   */
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

  /** Replacements for the default English strings it announces and fires (`errors`). */
  @property({ attribute: false })
  accessor strings: Partial<StreamStrings> | undefined;

  #view: ViewState = initialViewState();
  /** What the polite live region says now: the run's end or a reconnection. */
  #status: Announcement = SILENT;
  /** What the alert says now: the run's error. */
  #alert: Announcement = SILENT;
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
      recovered: (recovery) => {
        this.#remember({ runId: undefined });
        // The saved conversation replaced the stream: no digest covers what is shown.
        this.#endUnverified(runRecovered(this.#view, recovery), recovery.finishReason);
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
    const saved = this.resumeKey ? this.#resumeStore().load() : undefined;
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
    this.#connection.stream(runUrl(this.#base, runId, { action: "stream" }), resume);
  }

  /**
   * Sends a chat message (shown at once) and streams the reply; the conversation carries on. A
   * failure shows in the view and as `stream-error`.
   */
  send(message: string): void {
    const text = message.trim();
    if (text === "") return;
    this.#chat(text, { resent: false });
  }

  /**
   * Cancels the current run on the server, which then ends the stream with `cancelled`. Before the
   * run is known (a chat message being posted, a batch request under way) the work is dropped here
   * and shown as cancelled; a run the message turns out to have started is cancelled once known.
   */
  async cancel(): Promise<void> {
    if (!isBusy(this.#view.status)) return;
    const runId = this.#view.runId ?? this.#connection.runId;
    if (runId === undefined) {
      this.#connection.cancel();
      this.#workCount++;
      this.#endUnverified(runCancelled(this.#view), "cancelled");
      return;
    }
    await this.#connection.request(
      this.#cancelUrl ?? runUrl(this.#base, runId, { action: "cancel" }),
      {},
    );
  }

  /** Detaches from the stream without cancelling the run; the view keeps what it shows. */
  disconnect(): void {
    this.#connection.stop();
    this.#commit(statusChanged(this.#view, "idle"));
  }

  /**
   * Starts the failed or cancelled work again: the last chat message is re-sent (its bubble is
   * already shown); otherwise `src` starts a new run (an attached run that failed cannot be
   * resumed), or, without `src`, the run is attached again.
   */
  retry(): void {
    const work = this.#lastWork;
    switch (work?.kind) {
      case undefined:
        return;
      case "start":
        return this.start(work.src);
      case "send":
        return this.#chat(work.message, { resent: true });
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
    return html`<slot></slot>${renderLiveRegion(this.#status)}${
      renderLiveRegion(this.#alert, "alert")
    }`;
  }

  get #base(): string {
    return this.apiBase || apiBaseOf(this.src);
  }

  #begin(): void {
    this.#workCount++;
    this.#cancelUrl = undefined;
    this.#commit(workStarted(this.#view));
  }

  /** Posts a chat message and streams the reply; a re-sent message is already in the view. */
  #chat(text: string, { resent }: { resent: boolean }): void {
    this.#lastWork = { kind: "send", message: text };
    this.#begin();
    if (!resent) {
      this.#commit(userMessageSent(this.#view, { id: `local-${++this.#localIds}`, content: text }));
    }
    const caseId = caseIdOf(this.src);
    const conversationId = this.#view.conversationId;
    this.#connection.chat(this.#base, {
      message: text,
      ...(conversationId === undefined ? {} : { conversationId }),
      ...(caseId === undefined ? {} : { caseId }),
    });
  }

  async #resume(saved: ResumeEntry): Promise<void> {
    if (saved.src) this.src ||= saved.src;
    const work = this.#workCount;
    const conversation = saved.conversationId === undefined ? undefined : conversationOf(
      await this.#connection.request(conversationUrl(this.#base, saved.conversationId)),
    );
    // Work begun while the history loaded (a message sent, a reset) is newer than this place.
    if (work !== this.#workCount) return;
    if (conversation) {
      this.#commit(historyLoaded(this.#view, conversation));
      // A reply saved in the history has ended: nothing left to attach to.
      const ended = conversation.messages.some((message) =>
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
    finishReason: FinishReason,
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
    this.#endUnverified(connectionFailed(this.#view, error), "error");
  }

  /**
   * Shows the end of work whose stream could not end it (a failure, a recovery, a cancel before the
   * run was known), so `stream-done` comes once per run however it ended; no digest covers it.
   */
  #endUnverified(view: ViewState, finishReason: FinishReason): void {
    this.#commit(integrityChecked(view, false));
    if (finishReason === "error") this.#reportError(this.#view.error);
    this.dispatchEvent(new StreamDoneEvent(finishReason, false));
  }

  #reportError(error: ViewError | undefined): void {
    if (error) {
      const message = errorMessage(error, resolveStrings(this.strings));
      this.dispatchEvent(new StreamErrorEvent(error.code, message, error.retryAvailable));
    }
  }

  /** The saved place under `resume-key`. */
  #resumeStore(): ResumeStore {
    // A getter: where the page may not use storage, reading `sessionStorage` itself throws.
    return resumeStore(() => sessionStorage, this.resumeKey);
  }

  /** Updates the saved place (only with `resume-key`). */
  #remember(change: ResumeEntry): void {
    if (this.resumeKey) this.#resumeStore().update(change);
  }

  #commit(next: ViewState): void {
    if (next === this.#view) return;
    const before = this.#view;
    this.#view = next;
    this.#context.setValue(this.#contextValue());
    if (next.error !== before.error) {
      // Cleared with the error, so that reading the page later finds no stale alert.
      const said = next.error ? errorMessage(next.error, resolveStrings(this.strings)) : "";
      this.#alert = announce(this.#alert, said);
      this.requestUpdate();
    }
    if (next.status === before.status) return;
    const said = statusAnnouncement(next.status, resolveStrings(this.strings));
    if (said !== undefined) {
      this.#status = announce(this.#status, said);
      this.requestUpdate();
    }
    this.dispatchEvent(new StreamStatusEvent(next.status));
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

defineOnce("stream-provider", StreamProvider);

declare global {
  interface HTMLElementTagNameMap {
    "stream-provider": StreamProvider;
  }
}
