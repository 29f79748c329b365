/**
 * What an operator scrapes at `/metrics`. Read from the outside of the server's parts, so none of
 * them carries metrics code: the structured log (runs started and finished, upstream errors,
 * refusals, requests), the SSE bodies as they leave (events, heartbeats and bytes sent, open
 * streams, first-token latency from the events' own timestamps), and the registry when scraped.
 */
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import type { Logger, LogValue } from "../log.ts";
import { Counter, exposition, Gauge, Histogram } from "./prometheus.ts";

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Runs whose first token is awaited or was seen, so that a replay does not count it again. */
const REMEMBERED_RUNS = 10_000;

/** Log events that refuse work, and the reason each stands for. */
const REFUSALS: Record<string, string> = {
  rate_limited: "rate_limited",
  runs_capped: "runs_per_client",
  viewers_capped: "viewers_per_client",
  overloaded: "overloaded",
};

/** The metrics of one server process. */
export class ServerMetrics {
  readonly #started = new Counter("stream_widgets_runs_started_total", "Runs started, by kind");
  readonly #finished = new Counter(
    "stream_widgets_runs_finished_total",
    "Runs ended, by kind and finish reason",
  );
  readonly #duration = new Histogram(
    "stream_widgets_run_duration_seconds",
    "Time from a run's start to its end",
    SECONDS,
  );
  readonly #firstToken = new Histogram(
    "stream_widgets_first_token_seconds",
    "Time from a run's start to its first text chunk",
    SECONDS,
  );
  readonly #upstreamErrors = new Counter(
    "stream_widgets_upstream_errors_total",
    "Model service failures, by error code",
  );
  readonly #refusals = new Counter(
    "stream_widgets_refusals_total",
    "Work refused by a limit, by reason",
  );
  readonly #requests = new Counter(
    "stream_widgets_http_requests_total",
    "API requests, by method, route pattern and status",
  );
  readonly #events = new Counter("stream_widgets_sse_events_sent_total", "Run events sent");
  readonly #heartbeats = new Counter("stream_widgets_sse_heartbeats_sent_total", "Heartbeats sent");
  readonly #bytes = new Counter("stream_widgets_sse_bytes_sent_total", "Bytes of SSE bodies sent");
  #openStreams = 0;
  /** Run id → its start (server ms), or NaN once its first chunk was timed; oldest first. */
  readonly #runStarts = new Map<string, number>();
  /** Runs in `#runStarts` whose first chunk is still awaited. */
  #awaiting = 0;
  readonly #families;

  constructor({ runsInFlight }: { runsInFlight: () => number }) {
    this.#families = [
      new Gauge("stream_widgets_runs_in_flight", "Runs producing now", runsInFlight),
      new Gauge(
        "stream_widgets_sse_streams_open",
        "SSE responses open now (viewers)",
        () => this.#openStreams,
      ),
      this.#started,
      this.#finished,
      this.#duration,
      this.#firstToken,
      this.#upstreamErrors,
      this.#refusals,
      this.#requests,
      this.#events,
      this.#heartbeats,
      this.#bytes,
    ];
  }

  /** The logger that writes through `log` and counts what it says. */
  observing(log: Logger): Logger {
    return (event, fields = {}) => {
      this.#record(event, fields);
      log(event, fields);
    };
  }

  /** The SSE body `body`, counted as it is sent. */
  countStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const decoder = createSseDecoder();
    let open = true;
    const close = () => {
      if (open) this.#openStreams--;
      open = false;
    };
    this.#openStreams++;
    return body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          this.#bytes.inc({}, chunk.byteLength);
          for (const message of decoder.push(chunk)) this.#message(message.id, message.data);
          controller.enqueue(chunk);
        },
        flush: close,
        cancel: close,
      }),
    );
  }

  /** The exposition of every metric. */
  render(): string {
    return exposition(this.#families);
  }

  #record(event: string, fields: Record<string, LogValue>): void {
    const text = (value: LogValue) => String(value ?? "");
    switch (event) {
      case "run_started":
        return this.#started.inc({ kind: text(fields.kind) });
      case "run_finished":
        this.#finished.inc({ kind: text(fields.kind), finish_reason: text(fields.finishReason) });
        if (typeof fields.ms === "number") {
          this.#duration.observe(fields.ms / 1000, { kind: text(fields.kind) });
        }
        return;
      case "run_upstream_error":
        return this.#upstreamErrors.inc({ code: text(fields.code) });
      case "request":
        return this.#requests.inc({
          method: text(fields.method),
          route: text(fields.route),
          status: text(fields.status),
        });
    }
    const reason = REFUSALS[event];
    if (reason) this.#refusals.inc({ reason });
  }

  /** One SSE message: an event (it has an id) or a heartbeat; the first chunk of a run is timed. */
  #message(id: string | undefined, data: string): void {
    if (id === undefined) {
      if (data.includes('"heartbeat"')) this.#heartbeats.inc();
      return;
    }
    this.#events.inc();
    // Only the two events that time a first token are parsed, and a chunk only while one waits.
    const start = data.includes('"run_start"');
    if (!start && !(this.#awaiting > 0 && data.includes('"content_chunk"'))) return;
    const { type, runId, ts } = JSON.parse(data) as { type: string; runId: string; ts: number };
    const known = this.#runStarts.get(runId);
    if (type === "run_start" && known === undefined) {
      this.#remember(runId, ts);
    } else if (type === "content_chunk" && known !== undefined && !Number.isNaN(known)) {
      this.#firstToken.observe((ts - known) / 1000);
      // Seen: later chunks and replays of this run are not first tokens.
      this.#runStarts.set(runId, NaN);
      this.#awaiting--;
    }
  }

  #remember(runId: string, ts: number): void {
    if (this.#runStarts.size >= REMEMBERED_RUNS) {
      const [oldest, started] = this.#runStarts.entries().next().value!;
      this.#runStarts.delete(oldest);
      if (!Number.isNaN(started)) this.#awaiting--;
    }
    this.#runStarts.set(runId, ts);
    this.#awaiting++;
  }
}
