/**
 * The connection of one `<stream-provider>`: opens the stream for a piece of work, validates each
 * frame, owns the run's position (run id, cursor, conversation), delivers each event of the run
 * once, reconnects with backoff, and falls back on its own (see `fallbackFor`). A Lit
 * ReactiveController: its connections live while its host is connected; requests that do without
 * a stream (a chat POST, the fallbacks) live with their work.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import type { ViewError } from "../state/view-state.ts";
import { chatStartedOf } from "./api-bodies.ts";
import type {
  ConnectionOptions,
  ConnectionSettings,
  ConnectionSink,
  OutgoingMessage,
  Work,
} from "./connection-types.ts";
import { type ConnectionEnvironment, defaultEnvironment } from "./environment.ts";
import { type FallbackContext, fallbackFor, STREAM_LOST } from "./fallback.ts";
import type { JsonOutcome } from "./http.ts";
import type { LiveConnection } from "./live-connection.ts";
import { RetrySchedule } from "./retry-schedule.ts";
import { advance, cursorOf, type RunPosition, startPosition } from "./run-position.ts";
import { type NextStep, stepAfter, stepAfterHealth, stepAfterRefusal } from "./next-step.ts";
import type { StreamHandlers } from "./transport.ts";
import { healthUrl, rebase } from "./urls.ts";
import { StreamRouter } from "./stream-router.ts";
import { WorkScope } from "./work-scope.ts";

/** Connects a provider to the stream of its current work. */
export class ConnectionController implements ReactiveController {
  readonly #settings: () => ConnectionSettings;
  readonly #sink: ConnectionSink;
  readonly #env: ConnectionEnvironment;
  readonly #scope: WorkScope;
  #hostConnected = false;
  #work?: Work;
  /** Work dropped by `cancel()`: a chat run it turns out to have started is cancelled. */
  readonly #cancelled = new WeakSet<Work>();
  /** A request of the current work that does without a stream is under way: no connection now. */
  #offStream = false;
  #done = false;
  #position: RunPosition = startPosition();
  #streamUrl?: string;
  #cancelUrl?: string;
  /** The current connection: what an older one still reports is dropped. */
  #connection?: LiveConnection;
  readonly #retries: RetrySchedule;
  readonly #router: StreamRouter;

  constructor(host: ReactiveControllerHost, options: ConnectionOptions) {
    this.#settings = options.settings;
    this.#sink = options.sink;
    this.#env = { ...defaultEnvironment(), ...options.env };
    this.#scope = new WorkScope(this.#env, () => this.#settings());
    this.#retries = new RetrySchedule(this.#env, this.#settings);
    this.#router = new StreamRouter(this.#env, this.#scope, {
      ...options,
      position: () => this.#position,
      reconnect: () => (this.#pause(), void this.#connect()),
    });
    host.addController(this);
  }

  /** The run read (once known), its last event delivered, the conversation (kept until `forget`). */
  get position(): RunPosition {
    return this.#position;
  }

  /** Where the current chat run is cancelled, as `POST /api/chat/messages` named it. */
  get cancelUrl(): string | undefined {
    return this.#cancelUrl;
  }

  /** Changes whenever work starts or stops, so a caller can drop its results for older work. */
  get generation(): number {
    return this.#scope.generation;
  }

  /**
   * Reads an SSE URL: starts its work, or reads the run `runId` from its start; with `resume`, a
   * run it already reads goes on after the last event delivered.
   */
  stream(url: string, { runId, resume = false }: { runId?: string; resume?: boolean } = {}): void {
    const { conversationId } = this.#position;
    if (!resume || runId !== this.#position.runId) {
      this.#position = { runId, seq: 0, conversationId };
    }
    this.#begin({ kind: "stream", url });
  }

  /** Sends a chat message in the current conversation (`POST /api/chat/messages`), reads the reply. */
  chat(apiBase: string, request: OutgoingMessage): void {
    const { conversationId } = this.#position;
    const body = conversationId === undefined ? request : { ...request, conversationId };
    this.#position = startPosition(conversationId);
    this.#begin({ kind: "chat", apiBase, request: body });
  }

  /** Continues a saved place a reloaded page found: its conversation, or its run up to `seq`. */
  continueFrom(place: Partial<RunPosition>): void {
    this.#position = { ...this.#position, ...place };
  }

  /** A JSON request to the API with the provider's headers (cancel, history). Never rejects. */
  request(url: string, body?: unknown): Promise<JsonOutcome> {
    return this.#scope.request(url, body);
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
    this.#scope.end();
    this.#offStream = false;
    this.#work = undefined;
  }

  /** Drops the current work and forgets its run and the conversation. */
  forget(): void {
    this.stop();
    this.#position = startPosition();
    this.#cancelUrl = undefined;
  }

  hostConnected(): void {
    this.#hostConnected = true;
    this.#retries.listen();
    this.#router.listen();
    void this.#connect();
  }

  hostDisconnected(): void {
    this.#hostConnected = false;
    this.#retries.unlisten();
    this.#router.unlisten();
    // The work is kept: reconnecting the host resumes it from the cursor.
    this.#pause();
  }

  #begin(work: Work): void {
    this.stop();
    this.#work = work;
    this.#done = false;
    this.#streamUrl = this.#cancelUrl = undefined;
    this.#retries.reset();
    void this.#connect();
  }

  /** Ends the connection, keeping the work. */
  #pause(): void {
    this.#retries.cancel();
    this.#connection?.close();
    this.#connection = undefined;
  }

  async #connect(): Promise<void> {
    const work = this.#work;
    if (!work || this.#done || !this.#hostConnected || this.#offStream) return;
    // The host may have come back while a retry was waiting: this is that retry.
    this.#retries.cancel();
    const settings = this.#settings();
    if (settings.transport === "batch") return this.#fallBack();
    if (work.kind === "chat" && this.#streamUrl === undefined) return this.#startChat(work);
    const { connection, open } = this.#router.next(work, this.#streamUrl);
    this.#connection = connection;
    const outcome = await open(this.#handlers(connection));
    if (connection === this.#connection && !this.#done) {
      this.#take(stepAfter(outcome, settings.transport));
    }
  }

  #handlers(connection: LiveConnection): StreamHandlers {
    const live = () => connection === this.#connection;
    return {
      open: () => {
        if (live() && cursorOf(this.#position) !== undefined) this.#sink.status("streaming");
      },
      message: (message) => {
        // Validated once, here; a malformed frame is skipped, the stream goes on.
        const parsed = live() ? parseEvent(message.data) : undefined;
        if (parsed?.ok) this.#accept(parsed.event);
      },
      retry: (ms) => {
        if (live()) this.#retries.serverRetryMs = ms;
      },
    };
  }

  /** Delivers `event` unless it is a replay or of another run, and moves the position past it. */
  #accept(event: StreamEvent): void {
    const next = advance(this.#position, event);
    if (next === undefined) return;
    if (next !== this.#position) {
      this.#position = next;
      this.#retries.succeeded();
    }
    if (event.type === "stream_done") {
      this.#done = true;
      this.#connection?.close();
    }
    this.#sink.event(event);
  }

  #take(step: NextStep): void {
    switch (step.type) {
      case "retry":
        return this.#retryLater(step.floorMs);
      case "probe":
        return void this.#probe();
      case "fall-back":
        return this.#fallBack();
      case "fail":
        return this.#fail(step.error);
    }
  }

  /** Asks the health endpoint why an EventSource failed (it cannot read the status itself). */
  async #probe(): Promise<void> {
    const connection = this.#connection;
    const health = await this.#scope.json(healthUrl(this.#work!));
    if (health !== undefined && connection === this.#connection) {
      this.#take(stepAfterHealth(health));
    }
  }

  #retryLater(floorMs = 0): void {
    if (!this.#retries.schedule(() => void this.#connect(), floorMs)) return this.#fallBack();
    this.#sink.status("reconnecting");
  }

  #fail(error: ViewError): void {
    this.#done = true;
    this.#sink.failed(error);
  }

  /** Streaming is off or keeps failing. */
  #fallBack(): void {
    const path = fallbackFor(this.#work!, this.#position);
    if (path) this.#withoutStream(path);
    else this.#fail(STREAM_LOST);
  }

  async #startChat(work: Extract<Work, { kind: "chat" }>): Promise<void> {
    this.#offStream = true;
    // Never aborted: once sent, the POST may start a run, whose id a cancel needs.
    const outcome = await this.request(`${work.apiBase}/api/chat/messages`, work.request);
    const started = chatStartedOf(outcome);
    if (work !== this.#work) {
      if (started && this.#cancelled.has(work)) {
        void this.request(rebase(started.cancelUrl, work.apiBase), {});
      }
      return;
    }
    this.#offStream = false;
    if (outcome.type === "refused") return this.#take(stepAfterRefusal(outcome));
    if (outcome.type === "failed") return this.#retryLater();
    if (!started) return this.#fail({ ...STREAM_LOST, code: "internal" });
    const { runId, conversationId, streamUrl, cancelUrl } = started;
    this.#position = { runId, seq: 0, conversationId };
    this.#streamUrl = rebase(streamUrl, work.apiBase);
    this.#cancelUrl = rebase(cancelUrl, work.apiBase);
    this.#sink.chatStarted(started);
    await this.#connect();
  }

  /**
   * Runs a path that does without a stream for the current work. It outlives a move of the host
   * (its POST must not be sent twice), not the work.
   */
  #withoutStream(path: (context: FallbackContext) => Promise<void>): void {
    const live = this.#scope.current();
    this.#offStream = true;
    this.#router.use("batch");
    const context = this.#scope.fallbackContext({
      accept: (event) => this.#accept(event),
      fail: (error) => this.#fail(error),
      recovered: (recovery) => {
        this.#done = true;
        this.#sink.recovered(recovery);
      },
      delay: (attempt) => this.#retries.delay(attempt),
      maxRetries: this.#settings().maxRetries,
      now: this.#env.now,
    });
    void path(context).finally(() => {
      if (live()) this.#offStream = false;
    });
  }
}
