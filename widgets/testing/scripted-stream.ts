/**
 * A scripted stream: the server side of a recorded run, answered through a `fetch` that a
 * `<stream-provider>` is given instead of the network (or through a Playwright route). The bytes
 * come from the protocol's own encoder, so the elements run their real decoder, reducer and
 * renderer; resume, fallback and cancel go through the same endpoints as with the real server.
 */
import { parseCursor } from "../../protocol/events.ts";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { type Pace, PlayedRun } from "./played-run.ts";
import {
  batchAnswerOf,
  conversationIdOf,
  endingOf,
  lostEvents,
  type RunLog,
  SERVER_MESSAGES,
  summaryOf,
  withRunId,
} from "./run-log.ts";
import { bodyText, type PlaywrightRoute } from "./playwright-route.ts";

/**
 * What the stream plays. Faults other than `streamingDisabled` are the server's one-shot faults:
 * they apply to the first run only, so Retry (a new run) plays the log cleanly.
 */
export interface ScriptedOptions {
  /** `"virtual"` (default: no waiting), `"original"` (as recorded) or a speed factor. */
  pace?: Pace;
  /** The `retry:` the stream starts with, in ms (default 0; the real server sends 1000). */
  retryMs?: number;
  /** The run fails (`upstream_error`, retry available) right after the event with this seq. */
  errorAfter?: number;
  /** The first connection is cut after the event with this seq: the provider resumes from its cursor. */
  cutAfter?: number;
  /** The first connection goes silent after the event with this seq: the provider's `stall-ms` runs out. */
  stallAfter?: number;
  /** The run is lost: the connection that would open it (or resume it after a cut or stall) answers `stream_lost`. */
  streamLost?: boolean;
  /** Every stream answers 503 `streaming_disabled`: the provider falls back to the batch endpoints. */
  streamingDisabled?: boolean;
}

/** A request the scripted stream answered. */
export interface ScriptedRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** The resume cursor it carried (`Last-Event-ID` or `lastEventId`). */
  cursor?: string;
}

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
};

/** Plays `log` to the elements; create one per test. */
export function scriptedStream(log: RunLog, options: ScriptedOptions = {}): ScriptedStream {
  return new ScriptedStream(log, options);
}

/** The server side of a recorded run. */
export class ScriptedStream {
  /** Every request answered, in order. */
  readonly requests: ScriptedRequest[] = [];
  readonly #log: RunLog;
  readonly #options: ScriptedOptions;
  readonly #runs = new Map<string, PlayedRun>();

  constructor(log: RunLog, options: ScriptedOptions) {
    if (log[0]?.type !== "run_start") throw new Error("A run log starts with run_start");
    this.#log = log;
    this.#options = options;
  }

  /** The URL a provider starts the run at: the workflow's stream, or the run's. */
  get src(): string {
    const start = this.#log[0];
    if (start.type === "run_start" && start.metadata.kind === "workflow") {
      const caseId = encodeURIComponent(start.metadata.case_id ?? "scripted-case");
      return `/api/cases/${caseId}/workflow/start/stream`;
    }
    return `/api/runs/${start.runId}/stream`;
  }

  /** The runs played so far (a Retry plays another), in order. */
  get runs(): readonly PlayedRun[] {
    return [...this.#runs.values()];
  }

  /** Give this to `<stream-provider>` as its `fetch`. */
  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? String(input), "http://scripted.invalid/");
    const method = (init.method ?? request?.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const cursor = headers.get("Last-Event-ID") ?? url.searchParams.get("lastEventId") ?? undefined;
    this.requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      ...(cursor ? { cursor } : {}),
    });
    init.signal?.throwIfAborted();
    return await this.#answer(method, url, { cursor, signal: init.signal ?? undefined });
  };

  /** Give this to Playwright's `page.route`: the same answers, each body whole (no stall, no pace). */
  readonly route = async (route: PlaywrightRoute): Promise<void> => {
    const request = route.request();
    const response = await this.fetch(request.url(), {
      method: request.method(),
      headers: request.headers(),
    });
    await route.fulfill({
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await bodyText(response),
    });
  };

  async #answer(
    method: string,
    url: URL,
    { cursor, signal }: { cursor?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const path = url.pathname;
    const runPath = /\/api\/runs\/([^/]+)(?:\/(stream|events|cancel|viewers))?$/.exec(path);
    const named = runPath && decodeURIComponent(runPath[1]);
    if (method === "GET" && (path.endsWith("/stream") || runPath?.[2] === "stream")) {
      if (this.#options.streamingDisabled) {
        return jsonError(503, "streaming_disabled", SERVER_MESSAGES.streaming_disabled);
      }
      const runId = named ?? (cursor === undefined ? undefined : parseCursor(cursor)?.runId);
      const run = runId === undefined ? await this.#newRun() : await this.#runNamed(runId);
      return await this.#stream(run, runId, { cursor, signal });
    }
    if (method === "POST" && path.endsWith("/api/chat/messages")) {
      const run = await this.#newRun();
      const base = `/api/runs/${run.runId}`;
      return json(201, {
        conversationId: conversationIdOf(run.events) ?? "scripted-conversation",
        runId: run.runId,
        streamUrl: `${base}/stream`,
        cancelUrl: `${base}/cancel`,
      });
    }
    if (method === "POST" && (path.endsWith("/api/chat") || path.endsWith("/workflow/run"))) {
      return json(200, batchAnswerOf((await this.#newRun()).events));
    }
    const run = named === null ? undefined : await this.#runNamed(named);
    if (!run) return jsonError(404, "not_found", SERVER_MESSAGES.not_found);
    if (method === "GET" && runPath?.[2] === undefined) return json(200, summaryOf(run.events));
    if (method === "GET" && runPath?.[2] === "viewers") return json(200, { viewers: [] });
    if (method === "GET" && runPath?.[2] === "events") {
      const after = parseCursor(url.searchParams.get("after") ?? "")?.seq ?? 0;
      const events = run.events.filter((event) => event.seq > after);
      run.written = Math.max(run.written, events.at(-1)?.seq ?? 0);
      return json(200, { events, done: run.finished });
    }
    if (method === "POST" && runPath?.[2] === "cancel") {
      return (await run.cancel())
        ? json(200, { status: "cancelled" })
        : json(409, { status: "finished" });
    }
    return jsonError(404, "not_found", SERVER_MESSAGES.not_found);
  }

  /** A run's SSE response: from after the cursor, with this connection's faults. */
  async #stream(
    run: PlayedRun | undefined,
    runId: string | undefined,
    { cursor, signal }: { cursor?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const { streamLost, cutAfter, stallAfter, pace = "virtual", retryMs = 0 } = this.#options;
    const connection = run ? ++run.connections : 0;
    const first = run !== undefined && run === this.runs[0];
    const faulted = first && connection === 1;
    const lostAt = cutAfter === undefined && stallAfter === undefined ? 1 : 2;
    if (!run || (first && streamLost && connection === lostAt)) {
      const lost = await lostEvents(run?.runId ?? runId ?? "", Date.now());
      const text = encodeRetry(retryMs) + lost.map(encodeEvent).join("");
      return sse(new Blob([text]).stream());
    }
    const after = cursor === undefined ? 0 : parseCursor(cursor)?.seq ?? 0;
    const plan = {
      after,
      pace,
      retryMs,
      ...(faulted && cutAfter !== undefined ? { cutAfter } : {}),
      ...(faulted && stallAfter !== undefined ? { stallAfter } : {}),
    };
    return sse(run.body(plan, signal));
  }

  /** The run `runId`; the log's own can be read before anything started it: it is the server's. */
  async #runNamed(runId: string): Promise<PlayedRun | undefined> {
    const unplayed = runId === this.#log[0].runId && this.#runs.size === 0;
    return unplayed ? await this.#newRun() : this.#runs.get(runId);
  }

  /** A new run of the log: the first keeps its id (and takes the faults), later ones get new ids. */
  async #newRun(): Promise<PlayedRun> {
    const n = this.#runs.size + 1;
    const base = this.#log[0].runId;
    const runId = n === 1 ? base : `${base.slice(0, 56)}-run${n}`;
    let events = withRunId(this.#log, runId);
    const { errorAfter } = this.#options;
    if (n === 1 && errorAfter !== undefined) {
      const kept = events.filter((event) =>
        event.seq <= errorAfter && event.type !== "stream_done"
      );
      events = [...kept, ...(await endingOf(kept, "error", { error: "upstream_error" }))];
    }
    const run = new PlayedRun(runId, events);
    this.#runs.set(runId, run);
    return run;
  }
}

function sse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function jsonError(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}
