/**
 * The floor: the least a Deno SSE server can do to send the real server's events. Plain
 * `Deno.serve`, no framework, no validation, no log, no storage; the same event shapes and sizes
 * (protocol/sse-encode.ts, word-level chunks from the server's chunker) at the same rate, stamped
 * with the same clock (`Date.now()`). Listens on 127.0.0.1, any free port; prints `LISTENING …`.
 *
 *   GET /stream?chunks=K&rate=R&first=F   run_start, stage_start, K chunks at R/s after F ms,
 *                                         stage_complete, stream_done; then the response ends
 *   GET /idle                             the retry line, then nothing until the client leaves
 *   GET /fanout?viewers=N&chunks=K&rate=R one shared run: starts when N viewers are attached,
 *                                         each event encoded once and sent to all of them
 */
import { encodeEvent, encodeRetry } from "../protocol/sse-encode.ts";
import type { StreamEvent } from "../protocol/events.ts";
import { takeChunks } from "../server/runs/chunker.ts";
import { reportMemoryOnSignal } from "./lib/memory-signal.ts";

const TEXT =
  "The patient is a 58-year-old with crushing substernal chest pain radiating to the left arm, " +
  "diaphoresis and nausea for 40 minutes. **ECG** shows ST elevation in II, III and aVF. " +
  "Troponin I is 2.4 ng/mL. Aspirin 325 mg was given; heparin per protocol; cardiology is paged " +
  "for emergent catheterisation. Blood pressure 142/88, heart rate 96, SpO2 97% on room air. ";
const CHUNKS = takeChunks(TEXT.repeat(8), "end").chunks;
const DIGEST = "0".repeat(64);
const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};
const bytes = new TextEncoder();

let runCounter = 0;

/** A run id of the real length (22 characters). */
function nextRunId(): string {
  return `floor${String(++runCounter).padStart(17, "0")}`;
}

/** The events of one run, built lazily so `ts` is stamped when each is sent. */
function* runEvents(runId: string, chunks: number): Generator<(ts: number) => StreamEvent> {
  let seq = 0;
  // Field order as the real server writes it: type first.
  const base = <T extends string>(type: T, ts: number) => ({
    type,
    runId,
    seq: ++seq,
    ts,
    panel: "chat" as const,
    stage: "reply",
    content: "",
  });
  yield (ts) => ({
    ...base("run_start", ts),
    metadata: { kind: "chat", stages: [{ stage: "reply", panel: "chat", title: "Reply" }] },
  });
  yield (ts) => ({
    ...base("stage_start", ts),
    metadata: { stage_index: 0, stage_count: 1, title: "Reply" },
  });
  for (let i = 0; i < chunks; i++) {
    yield (ts) => ({
      ...base("content_chunk", ts),
      content: CHUNKS[i % CHUNKS.length],
      metadata: { chunk_index: i },
    });
  }
  yield (ts) => ({
    ...base("stage_complete", ts),
    metadata: { chunk_count: chunks, stage_index: 0, stage_count: 1 },
  });
  yield (ts) => ({
    ...base("stream_done", ts),
    metadata: {
      finish_reason: "stop",
      chunk_count: chunks,
      digest: { reasoning: DIGEST, chat: DIGEST },
    },
  });
}

/**
 * Sends a run's events on a drift-free schedule: the two opening events at once, chunk i at
 * `first + i / rate`, the closing events right after the last chunk.
 */
function playRun(
  chunks: number,
  rate: number,
  first: number,
  send: (text: string) => void,
  end: () => void,
) {
  const runId = nextRunId();
  const events = runEvents(runId, chunks);
  const start = performance.now();
  let index = 0;
  const dueAt = (i: number) => i < 2 ? 0 : first + Math.min(i - 2, chunks - 1) * 1000 / rate;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = () => {
    const now = performance.now();
    for (let next = events.next(); !next.done; next = events.next()) {
      send(encodeEvent(next.value(Date.now())));
      // `send` may have found the client gone and stopped the run.
      if (stopped) return;
      index++;
      if (index < chunks + 4 && start + dueAt(index) > now) {
        timer = setTimeout(tick, start + dueAt(index) - performance.now());
        return;
      }
    }
    end();
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  tick();
  return stop;
}

function sseResponse(
  open: (send: (text: string) => void, end: () => void) => () => void,
): Response {
  let stop = () => {};
  let live = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.encode(encodeRetry(1000)));
      // A client that left may have closed the stream before `cancel` stopped the timer.
      const send = (text: string) => {
        if (!live) return;
        try {
          controller.enqueue(bytes.encode(text));
        } catch {
          live = false;
          stop();
        }
      };
      const end = () => {
        if (live) controller.close();
        live = false;
      };
      stop = open(send, end);
    },
    cancel() {
      live = false;
      stop();
    },
  });
  return new Response(body, { headers: HEADERS });
}

interface Group {
  viewers: Set<ReadableStreamDefaultController<Uint8Array>>;
  started: boolean;
}
const groups = new Map<string, Group>();

function fanout(viewers: number, chunks: number, rate: number): Response {
  const key = `${viewers}/${chunks}/${rate}`;
  let group = groups.get(key);
  if (!group) groups.set(key, group = { viewers: new Set(), started: false });
  const shared = group;
  let self: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      self = controller;
      controller.enqueue(bytes.encode(encodeRetry(1000)));
      shared.viewers.add(controller);
      if (shared.viewers.size < viewers || shared.started) return;
      shared.started = true;
      groups.delete(key);
      playRun(chunks, rate, 0, (text) => {
        const frame = bytes.encode(text);
        for (const viewer of shared.viewers) {
          try {
            viewer.enqueue(frame);
          } catch {
            shared.viewers.delete(viewer);
          }
        }
      }, () => {
        for (const viewer of shared.viewers) viewer.close();
      });
    },
    cancel() {
      shared.viewers.delete(self);
    },
  });
  return new Response(body, { headers: HEADERS });
}

function handle(request: Request): Response {
  const url = new URL(request.url);
  const param = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  switch (url.pathname) {
    case "/stream":
      return sseResponse((send, end) =>
        playRun(param("chunks", 100), param("rate", 50), param("first", 0), send, end)
      );
    case "/idle":
      return sseResponse(() => () => {});
    case "/fanout":
      return fanout(param("viewers", 1), param("chunks", 100), param("rate", 50));
    default:
      return new Response("not found", { status: 404 });
  }
}

reportMemoryOnSignal();
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ hostname, port }) => console.log(`LISTENING http://${hostname}:${port}`),
}, handle);
