/**
 * The connection of one `<stream-provider>`: opens the stream for a piece of work, validates each
 * frame, keeps the resume cursor, reconnects with backoff, detects stalls, and falls back to the
 * batch endpoints on its own. A Lit ReactiveController: it runs while its host is connected.
 *
 * Fallback rule: batch restarts the work, so it is used only while nothing of the work has been
 * seen yet (no run_start). A chat whose run already exists is recovered instead by waiting for the
 * run to end (`GET /api/runs/:id`) and loading the saved conversation. A workflow run that has
 * streamed partly ends as `stream_lost` with its partial text kept; Retry starts a new run.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { formatCursor, type StreamEvent } from "../../protocol/events.ts";
import type { ChatRequest } from "../../protocol/requests.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import type { ChatMessage, ViewError } from "../state/view-state.ts";
import { ChatStarted, Conversation, messagesOf, RunSummary } from "./api-bodies.ts";
import { batchEvents, BatchResult } from "./batch-result.ts";
import { panelDigest } from "../integrity.ts";
import { backoffDelay } from "./backoff.ts";
import { eventSourceTransport } from "./eventsource-transport.ts";
import { fetchTransport } from "./fetch-transport.ts";
import { isRetryable, type JsonOutcome, type Refusal, requestJson } from "./http.ts";
import type { StreamHandlers, StreamOutcome } from "./transport.ts";
import { apiBaseOf, batchRequestOf, rebase } from "./urls.ts";

/** How the connection behaves: the provider's attributes and `headers` property. */
export interface ConnectionSettings {
  transport: "fetch" | "eventsource" | "batch";
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  stallMs: number;
  headers: Record<string, string>;
}

/** Everything with a side effect the controller touches, injectable so tests never sleep. */
export interface ConnectionEnvironment {
  fetch: typeof fetch;
  EventSource: typeof EventSource;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  random(): number;
  /** Epoch ms. */
  now(): number;
  /** Where `visibilitychange` and `online` are heard. */
  document: Document;
  window: Window;
}

/** What the controller tells its provider. */
export interface ConnectionSink {
  /** A validated event, in arrival order (de-duplication is the reducer's). */
  event(event: StreamEvent): void;
  status(status: "reconnecting" | "streaming"): void;
  /** The work failed for good, outside the stream. */
  failed(error: ViewError): void;
  /** A chat run was created (before any event of it arrives). */
  chatStarted(started: ChatStarted): void;
  /** A saved conversation to show instead of a stream (the chat recovery path). */
  history(conversation: { conversationId: string; messages: ChatMessage[] }): void;
}

/** A piece of work: an SSE URL to read (start or attach), or a chat message to send. */
type Work =
  | { kind: "stream"; url: string }
  | { kind: "chat"; apiBase: string; request: ChatRequest };

/** Why the controller stopped its own connection. */
type AbortReason = "stall" | "exhausted" | "done";

const LOST: ViewError = {
  code: "stream_lost",
  message: "The connection was lost before the answer was complete",
  retryAvailable: true,
};

function defaultEnvironment(): ConnectionEnvironment {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    EventSource: globalThis.EventSource,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (id) => globalThis.clearTimeout(id as number),
    random: Math.random,
    now: Date.now,
    document: globalThis.document,
    window: globalThis.window,
  };
}

/** Connects a provider to the stream of its current work. */
export class ConnectionController implements ReactiveController {
  readonly #settings: () => ConnectionSettings;
  readonly #sink: ConnectionSink;
  readonly #env: ConnectionEnvironment;
  /** Bumped whenever work starts or stops: results of an older generation are dropped. */
  #generation = 0;
  #hostConnected = false;
  #work?: Work;
  #done = false;
  #runId?: string;
  #seq = 0;
  #streamUrl?: string;
  #conversationId?: string;
  #attempt = 0;
  #serverRetryMs = 0;
  #abort?: AbortController;
  #abortReason?: AbortReason;
  #retryTimer?: unknown;
  #stallTimer?: unknown;

  constructor(
    host: ReactiveControllerHost,
    options: {
      settings: () => ConnectionSettings;
      sink: ConnectionSink;
      env?: Partial<ConnectionEnvironment>;
    },
  ) {
    this.#settings = options.settings;
    this.#sink = options.sink;
    this.#env = { ...defaultEnvironment(), ...options.env };
    host.addController(this);
  }

  /** The run the current work is reading, once known. */
  get runId(): string | undefined {
    return this.#runId;
  }

  /** The resume cursor `<runId>.<seq>`, once an event of the run has arrived. */
  get cursor(): string | undefined {
    return this.#runId !== undefined && this.#seq > 0
      ? formatCursor(this.#runId, this.#seq)
      : undefined;
  }

  /** Reads an SSE URL: starts its work, or resumes a run after `cursor`. */
  stream(url: string, cursor?: { runId: string; seq: number }): void {
    this.#begin({ kind: "stream", url }, cursor);
  }

  /** Sends a chat message (`POST /api/chat/messages`) and reads the reply's run. */
  chat(apiBase: string, request: ChatRequest): void {
    this.#begin({ kind: "chat", apiBase, request });
  }

  /** A JSON request to the API with the provider's headers (cancel, history). Never rejects. */
  request(url: string, body?: unknown): Promise<JsonOutcome> {
    return requestJson(this.#env.fetch, url, { body, headers: this.#settings().headers });
  }

  /** Drops the current work without cancelling it on the server. */
  stop(): void {
    this.#pause();
    this.#work = undefined;
  }

  hostConnected(): void {
    this.#hostConnected = true;
    this.#env.document.addEventListener("visibilitychange", this.#wake);
    this.#env.window.addEventListener("online", this.#wake);
    if (this.#work && !this.#done) void this.#connect();
  }

  hostDisconnected(): void {
    this.#hostConnected = false;
    this.#env.document.removeEventListener("visibilitychange", this.#wake);
    this.#env.window.removeEventListener("online", this.#wake);
    // The work is kept: reconnecting the host resumes it from the cursor.
    this.#pause();
  }

  #begin(work: Work, cursor?: { runId: string; seq: number }): void {
    this.#pause();
    this.#work = work;
    this.#done = false;
    this.#runId = cursor?.runId;
    this.#seq = cursor?.seq ?? 0;
    this.#streamUrl = undefined;
    this.#conversationId = work.kind === "chat" ? work.request.conversationId : undefined;
    this.#attempt = 0;
    if (this.#hostConnected) void this.#connect();
  }

  #pause(): void {
    this.#generation++;
    this.#env.clearTimeout(this.#retryTimer);
    this.#env.clearTimeout(this.#stallTimer);
    this.#retryTimer = this.#stallTimer = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
  }

  /** A dead connection waiting for its retry timer reconnects at once when the page can again. */
  #wake = (): void => {
    if (this.#retryTimer === undefined || this.#env.document.visibilityState === "hidden") return;
    this.#env.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    void this.#connect();
  };

  async #connect(): Promise<void> {
    const work = this.#work;
    if (!work || this.#done) return;
    const generation = this.#generation;
    const settings = this.#settings();
    if (settings.transport === "batch") return this.#fallBack();
    if (work.kind === "chat" && this.#streamUrl === undefined) return this.#startChat(work);
    const url = work.kind === "chat" ? this.#streamUrl! : work.url;
    const transport = settings.transport === "eventsource"
      ? eventSourceTransport(this.#env.EventSource)
      : fetchTransport(this.#env.fetch);
    const abort = new AbortController();
    this.#abort = abort;
    this.#abortReason = undefined;
    this.#armStall();
    const outcome = await transport(
      { url, cursor: this.cursor, headers: settings.headers, signal: abort.signal },
      this.#handlers(generation),
    );
    if (generation !== this.#generation) return;
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#abort = undefined;
    this.#settle(outcome);
  }

  #handlers(generation: number): StreamHandlers {
    const live = () => generation === this.#generation;
    return {
      open: () => {
        if (!live()) return;
        this.#armStall();
        if (this.cursor !== undefined) this.#sink.status("streaming");
      },
      message: (message) => {
        if (!live()) return;
        this.#armStall();
        // Validated once, here; a malformed frame is skipped, the stream goes on.
        const parsed = parseEvent(message.data);
        if (parsed.ok) this.#accept(parsed.event);
      },
      retry: (ms) => {
        this.#serverRetryMs = ms;
      },
      reconnecting: () => {
        if (!live()) return;
        this.#attempt++;
        if (this.#attempt > this.#settings().maxRetries) this.#stopConnection("exhausted");
        else this.#sink.status("reconnecting");
      },
    };
  }

  #accept(event: StreamEvent): void {
    if (event.type !== "heartbeat" && event.seq > 0) {
      if (event.type === "run_start") this.#runId = event.runId;
      if (event.runId === this.#runId && event.seq > this.#seq) this.#seq = event.seq;
      this.#attempt = 0;
    }
    if (event.type === "stream_done") {
      this.#done = true;
      this.#stopConnection("done");
    }
    this.#sink.event(event);
  }

  #stopConnection(reason: AbortReason): void {
    this.#abortReason = reason;
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#abort?.abort();
  }

  #armStall(): void {
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = this.#env.setTimeout(() => {
      this.#stallTimer = undefined;
      this.#stopConnection("stall");
    }, this.#settings().stallMs);
  }

  #settle(outcome: StreamOutcome): void {
    if (this.#done) return;
    switch (outcome.type) {
      case "ended":
        return this.#retryLater();
      case "failed":
        return this.#settings().transport === "eventsource"
          ? void this.#probe()
          : this.#retryLater();
      case "refused":
        return this.#refused(outcome);
      case "aborted":
        return this.#abortReason === "exhausted" ? this.#fallBack() : this.#retryLater();
    }
  }

  /**
   * An EventSource cannot read the status of a refused connection: the health endpoint tells
   * whether streaming is disabled (fall back now) or the failure is worth retrying.
   */
  async #probe(): Promise<void> {
    const work = this.#work!;
    const base = apiBaseOf(work.kind === "chat" ? work.apiBase + "/api/" : work.url);
    const health = await this.#json(`${base}/api/health`);
    if (health === undefined) return;
    const disabled = health.type === "ok" &&
      (health.body as { streaming?: unknown }).streaming === false;
    if (disabled) return this.#fallBack();
    this.#retryLater();
  }

  #refused(refusal: Refusal): void {
    if (refusal.code === "streaming_disabled") return this.#fallBack();
    if (isRetryable(refusal)) return this.#retryLater(refusal.retryAfterMs);
    this.#fail({
      code: refusal.code ?? (refusal.status === 404 ? "not_found" : "invalid_request"),
      message: refusal.message ?? "The request was refused",
      retryAvailable: false,
    });
  }

  #retryLater(floorMs = 0): void {
    const settings = this.#settings();
    this.#attempt++;
    if (this.#attempt > settings.maxRetries) return this.#fallBack();
    this.#sink.status("reconnecting");
    const delay = backoffDelay(this.#attempt - 1, {
      baseMs: settings.retryBaseMs,
      maxMs: settings.retryMaxMs,
      floorMs: Math.max(this.#serverRetryMs, floorMs),
      random: this.#env.random,
    });
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, delay);
  }

  #fail(error: ViewError): void {
    this.#done = true;
    this.#sink.failed(error);
  }

  /** Streaming is off or keeps failing: see the fallback rule in the header. */
  #fallBack(): void {
    const work = this.#work!;
    if (work.kind === "chat") {
      void (this.#runId === undefined
        ? this.#runBatch(`${work.apiBase}/api/chat`, work.request)
        : this.#recoverChat(work.apiBase, this.#runId));
      return;
    }
    const batch = this.#runId === undefined ? batchRequestOf(work.url) : undefined;
    if (batch) void this.#runBatch(batch.url, batch.body);
    else this.#fail(LOST);
  }

  async #startChat(work: Extract<Work, { kind: "chat" }>): Promise<void> {
    const outcome = await this.#json(`${work.apiBase}/api/chat/messages`, work.request);
    if (outcome === undefined) return;
    if (outcome.type === "refused") return this.#refused(outcome);
    if (outcome.type === "failed") return this.#retryLater();
    const started = ChatStarted.safeParse(outcome.body);
    if (!started.success) return this.#fail({ ...LOST, code: "internal" });
    this.#runId = started.data.runId;
    this.#conversationId = started.data.conversationId;
    this.#streamUrl = rebase(started.data.streamUrl, work.apiBase);
    this.#sink.chatStarted(started.data);
    await this.#connect();
  }

  async #runBatch(url: string, body: unknown): Promise<void> {
    const outcome = await this.#json(url, body);
    if (outcome === undefined) return;
    if (outcome.type === "refused") {
      return this.#fail({
        code: outcome.code ?? "internal",
        message: outcome.message ?? "The request was refused",
        retryAvailable: isRetryable(outcome),
      });
    }
    if (outcome.type === "failed") return this.#fail(LOST);
    const result = BatchResult.safeParse(outcome.body);
    if (!result.success) return this.#fail({ ...LOST, code: "internal" });
    const generation = this.#generation;
    const digest = await panelDigest(result.data.panels);
    for (const event of batchEvents(result.data, { digest, now: this.#env.now() })) {
      // A listener of an event may have started other work.
      if (generation !== this.#generation) return;
      this.#accept(event);
    }
    if (!this.#done) this.#fail(LOST);
  }

  /** Waits for a chat run the stream could not show, then shows the saved conversation. */
  async #recoverChat(apiBase: string, runId: string): Promise<void> {
    const settings = this.#settings();
    for (let attempt = 0; attempt <= settings.maxRetries; attempt++) {
      const probe = await this.#json(`${apiBase}/api/runs/${runId}`);
      if (probe === undefined) return;
      const summary = probe.type === "ok" ? RunSummary.safeParse(probe.body) : undefined;
      if (summary?.success && summary.data.status !== "running") {
        return this.#loadConversation(apiBase);
      }
      if (probe.type === "refused" && !isRetryable(probe)) break;
      if (
        !(await this.#sleep(backoffDelay(attempt, {
          baseMs: settings.retryBaseMs,
          maxMs: settings.retryMaxMs,
          floorMs: this.#serverRetryMs,
          random: this.#env.random,
        })))
      ) return;
    }
    this.#fail(LOST);
  }

  async #loadConversation(apiBase: string): Promise<void> {
    const id = this.#conversationId;
    const outcome = id === undefined
      ? undefined
      : await this.#json(`${apiBase}/api/conversations/${id}`);
    const conversation = outcome?.type === "ok" ? Conversation.safeParse(outcome.body) : undefined;
    if (!conversation?.success) return this.#fail(LOST);
    this.#done = true;
    this.#sink.history({
      conversationId: conversation.data.id,
      messages: messagesOf(conversation.data),
    });
  }

  /** A JSON request of the current generation: `undefined` when the work changed meanwhile. */
  async #json(url: string, body?: unknown): Promise<JsonOutcome | undefined> {
    const generation = this.#generation;
    const outcome = await this.request(url, body);
    return generation === this.#generation ? outcome : undefined;
  }

  /** Waits on the injected clock; false when the work changed meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    const generation = this.#generation;
    return new Promise((resolve) => {
      this.#retryTimer = this.#env.setTimeout(() => {
        this.#retryTimer = undefined;
        resolve(generation === this.#generation);
      }, ms);
    });
  }
}
