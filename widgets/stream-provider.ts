import { html } from "lit";
import { ContextProvider } from "@lit/context";
import { type FinishReason, parseCursor, type StreamEvent } from "../protocol/events.ts";
import { ConnectionController } from "./connection/connection-controller.ts";
import { RunWatchers } from "./access/run-watchers.ts";
import { apiBaseOf, runUrl } from "./connection/urls.ts";
import { streamContext, type StreamContextValue } from "./context.ts";
import { defineOnce } from "./define-once.ts";
import { StreamEventEvent } from "./events.ts";
import { type PanelDigest, verifyDigest } from "./integrity.ts";
import { chatBody, repeatWork, WorkMemory } from "./last-work.ts";
import { hasSavedWork, lostConversation, resumeSaved } from "./resume-saved.ts";
import { RunReporter } from "./run-reporter.ts";
import {
  accessReported,
  connectionFailed,
  conversationJoined,
  historyLoaded,
  integrityChecked,
  runCancelled,
  runRecovered,
  statusChanged,
  transportChanged,
  userMessageSent,
  workStarted,
} from "./state/actions.ts";
import { reduce } from "./state/reducer.ts";
import type { ResumeEntry } from "./state/resume-store.ts";
import { SavedPlace } from "./state/saved-place.ts";
import { initialStreamState, type StreamState, viewOf } from "./state/stream-state.ts";
import { isBusy, savedView } from "./state/view-queries.ts";
import type { ViewError, ViewState } from "./state/view-state.ts";
import { StreamProviderAttributes } from "./stream-provider-attributes.ts";
import { resolveStrings } from "./strings.ts";
import { blockHostStyles, visuallyHiddenStyles } from "./styles/theme.ts";

/**
 * Owns the connection to a stream and shares its state with the elements inside it through
 * `@lit/context` (a new object on every change). It wires connection → reducer → context: the
 * connection controller owns the run's position, the reducer the view.
 *
 * @summary Connects to a stream of LLM output and provides it to `<reasoning-panel>` and `<chat-stream>`.
 *
 * @fires {StreamStatusEvent} stream-status - The status changed: `idle`, `connecting`, `streaming`, `reconnecting`, `done`, `error`, `cancelled`.
 * @fires {StreamEventEvent} stream-event - An event of the run was applied to the view (`event`).
 * @fires {StreamDoneEvent} stream-done - The run ended, however it did, once per run (`finishReason`, `verified`: the rendered text hashes to the server's digest).
 * @fires {StreamErrorEvent} stream-error - The run or the connection failed (`code`, `message`, `retryAvailable`); partial content stays.
 *
 * @slot - The elements that render the stream, and anything else.
 *
 * The provider announces, once for all the elements inside it, stage boundaries, the run's end and
 * reconnections (a polite live region) and errors (an alert).
 */
export class StreamProvider extends StreamProviderAttributes {
  static override styles = [blockHostStyles, visuallyHiddenStyles];

  #state: StreamState = initialStreamState();
  #view: ViewState = viewOf(this.#state);
  readonly #work = new WorkMemory();
  #localIds = 0;
  readonly #reporter = new RunReporter(this, () => resolveStrings(this.strings));
  readonly #savedPlace = new SavedPlace(() => this.resumeKey);
  readonly #watchers: RunWatchers = new RunWatchers(this, {
    request: (url) => this.#connection.request(url),
    runUrl: (runId) => runUrl(this.#base, runId),
    changed: (access) => {
      const before = this.#state;
      this.#commit(accessReported(this.#state, access));
      if (this.#state === before) this.#context?.setValue(this.#contextValue());
    },
  });
  readonly #context = new ContextProvider(this, {
    context: streamContext,
    initialValue: this.#contextValue(),
  });
  readonly #connection = new ConnectionController(this, {
    settings: () => this.connectionSettings(),
    env: { fetch: (input, init) => (this.fetch ?? globalThis.fetch)(input, init) },
    sink: {
      event: (event) => this.#apply(event),
      status: (status) => this.#commit(statusChanged(this.#state, status)),
      transport: (transport) => this.#commit(transportChanged(this.#state, transport)),
      failed: (error) => this.#failed(error),
      chatStarted: (started) =>
        this.#commit(conversationJoined(this.#state, started.conversationId)),
      // The saved conversation replaced the stream: no digest covers what is shown.
      recovered: (recovery) =>
        this.#endUnverified(runRecovered(this.#state, recovery), recovery.finishReason),
    },
  });

  /** The current view state (what the panels render). */
  get view(): ViewState {
    return this.#view;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // React (through @lit/react) connects the element before it sets the properties and adds the
    // listeners, in the same task: an element connected bare is picked up a microtask later.
    if (this.src || this.resumeKey) this.#pickUp();
    else queueMicrotask(() => this.#pickUp());
  }

  /** Resumes the saved place, or starts `src` with `autostart`, unless work is under way. */
  #pickUp(): void {
    if (!this.isConnected || this.#view.status !== "idle" || this.#work.last) return;
    const saved = this.#savedPlace.load();
    if (hasSavedWork(saved)) void this.#resume(saved);
    else if (this.autostart && this.src) this.start();
  }

  /** Starts the work of `src` (or of the given URL, which becomes `src`) as a new run. */
  start(src?: string): void {
    if (src !== undefined) this.src = src;
    if (!this.src) return;
    this.#work.last = { kind: "start", src: this.src };
    this.#savedPlace.remember({ src: this.src });
    // The connection begins first: the saved place follows its new run as the view clears.
    this.#connection.stream(this.src);
    this.#commit(workStarted(this.#state));
  }

  /**
   * Attaches to a run (any number of viewers may). With a `cursor` of the run this provider
   * already shows, it goes on after what it shows; otherwise the run is replayed from its start.
   */
  attach(runId: string, cursor?: string): void {
    const resume = cursor !== undefined && parseCursor(cursor)?.runId === runId &&
      this.#connection.position.runId === runId;
    this.#work.last = { kind: "attach", runId };
    this.#connection.stream(runUrl(this.#base, runId, { action: "stream" }), { runId, resume });
    if (!resume) this.#commit(workStarted(this.#state));
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
    const { runId } = this.#connection.position;
    if (runId === undefined) {
      this.#connection.cancel();
      this.#endUnverified(runCancelled(this.#state), "cancelled");
      return;
    }
    const url = this.#connection.cancelUrl ?? runUrl(this.#base, runId, { action: "cancel" });
    await this.#connection.request(url, {});
  }

  /** Detaches from the stream without cancelling the run; the view keeps what it shows. */
  disconnect(): void {
    this.#connection.stop();
    this.#commit(statusChanged(this.#state, "idle"));
  }

  /** Starts the failed or cancelled work again (see `repeatWork`). */
  retry(): void {
    repeatWork(this.#work.last, {
      src: this.src,
      start: (src) => this.start(src),
      resend: (message) => this.#chat(message, { resent: true }),
      attach: (runId) => this.attach(runId),
    });
  }

  /** Forgets everything: the connection, the view, the conversation and the saved place. */
  reset(): void {
    this.#connection.forget();
    this.#work.forget();
    this.#savedPlace.remember({ src: undefined });
    this.#commit(initialStreamState());
  }

  protected override render() {
    return html`<slot></slot>${this.#reporter.render()}`;
  }

  get #base(): string {
    return this.apiBase || apiBaseOf(this.src);
  }

  /** Posts a chat message and streams the reply; a re-sent message is already in the view. */
  #chat(text: string, { resent }: { resent: boolean }): void {
    this.#work.last = { kind: "send", message: text };
    this.#connection.chat(this.#base, chatBody(text, this.src, this.#work.aboutRunId));
    this.#commit(workStarted(this.#state));
    if (!resent) {
      this.#commit(
        userMessageSent(this.#state, { id: `local-${++this.#localIds}`, content: text }),
      );
    }
  }

  /** Picks the saved place up again after a reload: the workflow, the conversation, the run. */
  #resume(saved: ResumeEntry): Promise<void> {
    if (saved.src) this.src ||= saved.src;
    return resumeSaved(saved, {
      connection: this.#connection,
      apiBase: this.#base,
      host: this,
      show: (conversation) => this.#commit(historyLoaded(this.#state, conversation)),
      restore: (view) => this.#commit(view),
      attach: (runId, cursor) => this.attach(runId, cursor),
    });
  }

  #apply(event: StreamEvent): void {
    const before = this.#state;
    this.#commit(reduce(before, event));
    if (this.#state === before) return;
    this.dispatchEvent(new StreamEventEvent(event));
    switch (event.type) {
      case "error":
        if (this.#state.error) this.#reporter.failed(this.#state.error);
        return;
      case "stream_done":
        return void this.#verify(event.metadata.finish_reason, event.metadata.digest);
      case "run_start":
        if (event.metadata.kind === "workflow") this.#work.aboutRunId = event.runId;
        return;
      case "stage_start":
      case "content_chunk":
      case "stage_complete":
      case "heartbeat":
        return;
    }
  }

  /** A conversation lost in a restart (an in-memory store) is asked again in a new one. */
  #failed(error: ViewError): void {
    const work = this.#work.last;
    if (work?.kind !== "send" || !lostConversation(error, this.#connection.position)) {
      return this.#endUnverified(connectionFailed(this.#state, error), "error");
    }
    this.#connection.forget();
    this.#chat(work.message, { resent: true });
  }

  async #verify(finishReason: FinishReason, digest: PanelDigest): Promise<void> {
    const generation = this.#connection.generation;
    const verified = await verifyDigest(this.#state, digest);
    // Newer work may have begun while hashing: its view must not be marked.
    if (generation !== this.#connection.generation) return;
    this.#commit(integrityChecked(this.#state, verified));
    this.#reporter.done(finishReason, verified);
  }

  /**
   * Shows the end of work whose stream could not end it (a failure, a recovery, a cancel before the
   * run was known), so `stream-done` comes once per run however it ended; no digest covers it.
   */
  #endUnverified(state: StreamState, finishReason: FinishReason): void {
    this.#commit(integrityChecked(state, false));
    if (finishReason === "error" && this.#state.error) this.#reporter.failed(this.#state.error);
    this.#reporter.done(finishReason, false);
  }

  /** Makes `next` the state: the saved place follows the connection, the view and context it. */
  #commit(next: StreamState): void {
    this.#savedPlace.follow(this.#connection.position, savedView(next), next);
    if (next === this.#state) return;
    const before = this.#view;
    this.#state = next;
    this.#view = viewOf(next);
    this.#watchers.follow(this.#view.runId);
    this.#context.setValue(this.#contextValue());
    this.#reporter.viewChanged(before, this.#view);
  }

  #contextValue(): StreamContextValue {
    return {
      view: this.#view,
      ...this.#watchers.snapshot(),
      send: (message) => this.send(message),
      cancel: () => this.cancel(),
      retry: () => this.retry(),
    };
  }
}

defineOnce("stream-provider", StreamProvider);

declare global {
  interface HTMLElementTagNameMap {
    "stream-provider": StreamProvider;
  }
}
