/**
 * The connection of one `<stream-provider>`: opens the stream for a piece of work, validates each
 * frame, keeps the resume cursor, reconnects with backoff, detects stalls, and falls back to the
 * batch endpoints on its own. A Lit ReactiveController: its connections live while its host is
 * connected; requests that do without a stream (a chat POST, the fallbacks) live with their work.
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
import type { RunRecovery } from "../state/reducer.ts";
import type { ViewError } from "../state/view-state.ts";
import { ChatStarted } from "./api-bodies.ts";
import { backoffDelay } from "./backoff.ts";
import { type ConnectionEnvironment, defaultEnvironment } from "./environment.ts";
import { eventSourceTransport } from "./eventsource-transport.ts";
import { type FallbackContext, recoverChat, runBatch, STREAM_LOST } from "./fallback.ts";
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

/** What the controller tells its provider. */
export interface ConnectionSink {
  /** A validated event, in arrival order (de-duplication is the reducer's). */
  event(event: StreamEvent): void;
  status(status: "reconnecting" | "streaming"): void;
  /** The work failed for good, outside the stream. */
  failed(error: ViewError): void;
  /** A chat run was created (before any event of it arrives). */
  chatStarted(started: ChatStarted): void;
  /** A lost chat run ended on the server: its saved conversation replaces the stream. */
  recovered(recovery: RunRecovery): void;
}

/** A piece of work: an SSE URL to read (start or attach), or a chat message to send. */
type Work =
  | { kind: "stream"; url: string }
  | { kind: "chat"; apiBase: string; request: ChatRequest };

/** Connects a provider to the stream of its current work. */
export class ConnectionController implements ReactiveController {
  readonly #settings: () => ConnectionSettings;
  readonly #sink: ConnectionSink;
  readonly #env: ConnectionEnvironment;
  /** Bumped whenever work starts or stops: results of older work are dropped. */
  #workCount = 0;
  /** Bumped whenever a connection ends (new work, or the host leaves): its late results are dropped. */
  #connectionCount = 0;
  #hostConnected = false;
  #work?: Work;
  /** Work dropped by `cancel()`: a chat run it turns out to have started is cancelled. */
  readonly #cancelled = new WeakSet<Work>();
  /** Aborts the JSON requests of the current work. */
  #workAbort = new AbortController();
  /** A request of the current work that does without a stream is under way: no connection now. */
  #offStream = false;
  #done = false;
  #runId?: string;
  #seq = 0;
  #streamUrl?: string;
  #conversationId?: string;
  #attempt = 0;
  #serverRetryMs = 0;
  #abort?: AbortController;
  #retryTimer?: unknown;
  #stallTimer?: unknown;
  #sleepTimer?: unknown;

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

  /**
   * Drops the current work, like `stop()`. A chat message being posted may already have started a
   * run, which the server would keep going until its orphan grace: once known, it is cancelled.
   */
  cancel(): void {
    if (this.#work) this.#cancelled.add(this.#work);
    this.stop();
  }

  /** Drops the current work without cancelling it on the server; its requests are aborted. */
  stop(): void {
    this.#pause();
    this.#workCount++;
    this.#workAbort.abort();
    this.#workAbort = new AbortController();
    this.#env.clearTimeout(this.#sleepTimer);
    this.#sleepTimer = undefined;
    this.#offStream = false;
    this.#work = undefined;
  }

  hostConnected(): void {
    this.#hostConnected = true;
    this.#env.document.addEventListener("visibilitychange", this.#wake);
    this.#env.window.addEventListener("online", this.#wake);
    void this.#connect();
  }

  hostDisconnected(): void {
    this.#hostConnected = false;
    this.#env.document.removeEventListener("visibilitychange", this.#wake);
    this.#env.window.removeEventListener("online", this.#wake);
    // The work is kept: reconnecting the host resumes it from the cursor.
    this.#pause();
  }

  #begin(work: Work, cursor?: { runId: string; seq: number }): void {
    this.stop();
    this.#work = work;
    this.#done = false;
    this.#runId = cursor?.runId;
    this.#seq = cursor?.seq ?? 0;
    this.#streamUrl = undefined;
    this.#conversationId = work.kind === "chat" ? work.request.conversationId : undefined;
    this.#attempt = 0;
    this.#serverRetryMs = 0;
    void this.#connect();
  }

  /** Ends the connection, keeping the work. */
  #pause(): void {
    this.#connectionCount++;
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
    if (!work || this.#done || !this.#hostConnected || this.#offStream) return;
    // The host may have come back while a retry was waiting: this is that retry.
    this.#env.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const connection = this.#connectionCount;
    const settings = this.#settings();
    if (settings.transport === "batch") return this.#fallBack();
    if (work.kind === "chat" && this.#streamUrl === undefined) return this.#startChat(work);
    const url = work.kind === "chat" ? this.#streamUrl! : work.url;
    const transport = settings.transport === "eventsource"
      ? eventSourceTransport(this.#env.EventSource)
      : fetchTransport(this.#env.fetch);
    const abort = new AbortController();
    this.#abort = abort;
    this.#armStall();
    const outcome = await transport(
      { url, cursor: this.cursor, headers: settings.headers, signal: abort.signal },
      this.#handlers(connection),
    );
    if (connection !== this.#connectionCount) return;
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#abort = undefined;
    this.#settle(outcome);
  }

  #handlers(connection: number): StreamHandlers {
    const live = () => connection === this.#connectionCount;
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
        if (live()) this.#serverRetryMs = ms;
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
      this.#stopConnection();
    }
    this.#sink.event(event);
  }

  /** Ends the open connection: at stream_done, or a stall (whose outcome then reconnects). */
  #stopConnection(): void {
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#abort?.abort();
  }

  #armStall(): void {
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = this.#env.setTimeout(() => {
      this.#stallTimer = undefined;
      this.#stopConnection();
    }, this.#settings().stallMs);
  }

  #settle(outcome: StreamOutcome): void {
    if (this.#done) return;
    switch (outcome.type) {
      case "ended":
      case "aborted":
        return this.#retryLater();
      case "failed":
        return this.#settings().transport === "eventsource"
          ? void this.#probe()
          : this.#retryLater();
      case "refused":
        return this.#refused(outcome);
    }
  }

  /**
   * An EventSource cannot read the status of a refused connection: the health endpoint tells
   * whether streaming is disabled (fall back now) or the failure is worth retrying.
   */
  async #probe(): Promise<void> {
    const work = this.#work!;
    const connection = this.#connectionCount;
    const base = apiBaseOf(work.kind === "chat" ? work.apiBase + "/api/" : work.url);
    const health = await this.#json(`${base}/api/health`);
    if (health === undefined || connection !== this.#connectionCount) return;
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
      message: refusal.message,
      retryAvailable: false,
    });
  }

  #retryLater(floorMs = 0): void {
    this.#attempt++;
    if (this.#attempt > this.#settings().maxRetries) return this.#fallBack();
    this.#sink.status("reconnecting");
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, this.#delay(this.#attempt - 1, floorMs));
  }

  /** The backoff delay before attempt `attempt`, never sooner than the server asked. */
  #delay(attempt: number, floorMs = 0): number {
    const settings = this.#settings();
    return backoffDelay(attempt, {
      baseMs: settings.retryBaseMs,
      maxMs: settings.retryMaxMs,
      floorMs: Math.max(this.#serverRetryMs, floorMs),
      random: this.#env.random,
    });
  }

  #fail(error: ViewError): void {
    this.#done = true;
    this.#sink.failed(error);
  }

  /** Streaming is off or keeps failing: see the fallback rule in the header. */
  #fallBack(): void {
    const work = this.#work!;
    if (work.kind === "chat") {
      const runId = this.#runId;
      return this.#withoutStream((context) =>
        runId === undefined
          ? runBatch(context, `${work.apiBase}/api/chat`, work.request)
          : recoverChat(context, {
            apiBase: work.apiBase,
            runId,
            conversationId: this.#conversationId,
          })
      );
    }
    const batch = this.#runId === undefined ? batchRequestOf(work.url) : undefined;
    if (batch) this.#withoutStream((context) => runBatch(context, batch.url, batch.body));
    else this.#fail(STREAM_LOST);
  }

  async #startChat(work: Extract<Work, { kind: "chat" }>): Promise<void> {
    this.#offStream = true;
    // Never aborted: once sent, the POST may start a run, whose id a cancel needs.
    const outcome = await requestJson(this.#env.fetch, `${work.apiBase}/api/chat/messages`, {
      body: work.request,
      headers: this.#settings().headers,
    });
    const started = outcome.type === "ok" ? ChatStarted.safeParse(outcome.body) : undefined;
    if (work !== this.#work) {
      if (started?.success && this.#cancelled.has(work)) {
        void this.request(rebase(started.data.cancelUrl, work.apiBase), {});
      }
      return;
    }
    this.#offStream = false;
    if (outcome.type === "refused") return this.#refused(outcome);
    if (outcome.type === "failed") return this.#retryLater();
    if (!started?.success) return this.#fail({ ...STREAM_LOST, code: "internal" });
    this.#runId = started.data.runId;
    this.#conversationId = started.data.conversationId;
    this.#streamUrl = rebase(started.data.streamUrl, work.apiBase);
    this.#sink.chatStarted(started.data);
    await this.#connect();
  }

  /**
   * Runs a path that does without a stream for the current work. It outlives a move of the host
   * (its POST must not be sent twice), not the work.
   */
  #withoutStream(path: (context: FallbackContext) => Promise<void>): void {
    const work = this.#workCount;
    const live = () => work === this.#workCount;
    this.#offStream = true;
    void path({
      json: (url, body) => this.#json(url, body),
      sleep: (ms) => this.#sleep(ms),
      delay: (attempt) => this.#delay(attempt),
      maxRetries: this.#settings().maxRetries,
      now: this.#env.now,
      accept: (event) => {
        if (live()) this.#accept(event);
        return live();
      },
      fail: (error) => {
        if (live()) this.#fail(error);
      },
      recovered: (recovery) => {
        if (!live()) return;
        this.#done = true;
        this.#sink.recovered(recovery);
      },
    }).finally(() => {
      if (live()) this.#offStream = false;
    });
  }

  /** A JSON request of the current work: `undefined` when the work changed meanwhile. */
  async #json(url: string, body?: unknown): Promise<JsonOutcome | undefined> {
    const work = this.#workCount;
    const outcome = await requestJson(this.#env.fetch, url, {
      body,
      headers: this.#settings().headers,
      signal: this.#workAbort.signal,
    });
    return work === this.#workCount ? outcome : undefined;
  }

  /** Waits on the injected clock; false when the work changed meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    const work = this.#workCount;
    return new Promise((resolve) => {
      this.#sleepTimer = this.#env.setTimeout(() => {
        this.#sleepTimer = undefined;
        resolve(work === this.#workCount);
      }, ms);
    });
  }
}
