/**
 * One viewer of a run as an SSE body. The viewer reads the run's shared log from its cursor at
 * the pace its connection pulls: the log first, then live events as they are appended, with no
 * gap or duplicate at the seam because both are the same log read by index. The run only wakes
 * viewers; it never waits for one. A viewer whose unsent live backlog passes the bound is dropped.
 */
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import type { Logger } from "../log.ts";
import type { Run, ViewerHandle } from "../runs/run.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";

/** How a viewer's stream behaves. */
export interface RunStreamOptions {
  retryMs: number;
  heartbeatMs: number;
  clock: Clock;
  log: Logger;
}

// Frames handed to the connection per pull: large enough for a fast replay, small enough that
// a slow connection holds little beyond the bound.
const BATCH_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** An SSE body streaming `run` from the event after `afterSeq`. */
export function runStream(
  run: Run,
  afterSeq: number,
  options: RunStreamOptions,
): ReadableStream<Uint8Array> {
  const { clock, log } = options;
  let position = afterSeq;
  let ended = false;
  // Pulls come while the connection takes what it was given; between them it is stalled.
  let stalledSince: number | undefined = clock.now();
  let heartbeat: TimerHandle | undefined;
  let stream!: ReadableStreamDefaultController<Uint8Array>;

  const stop = () => {
    if (ended) return false;
    ended = true;
    clock.clearTimeout(heartbeat);
    run.removeViewer(viewer);
    return true;
  };
  const viewer: ViewerHandle = {
    position: () => position,
    liveFrom: run.log.length,
    stalledSince: () => stalledSince,
    drop: (reason) => {
      if (!stop()) return;
      log("viewer_dropped", { runId: run.info.id, position, reason });
      stream.error(abruptEnd(reason === "backlog" ? "viewer backlog exceeded" : "server stopping"));
    },
  };
  const beat = () => {
    heartbeat = clock.setTimeout(() => {
      if (ended) return;
      stream.enqueue(
        encoder.encode(encodeEvent({ type: "heartbeat", runId: run.info.id, ts: clock.now() })),
      );
      beat();
    }, options.heartbeatMs);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      controller.enqueue(encoder.encode(encodeRetry(options.retryMs)));
      if (run.running) {
        run.addViewer(viewer);
        beat();
      }
    },
    async pull(controller) {
      stalledSince = undefined;
      try {
        await send(controller);
      } finally {
        stalledSince = clock.now();
      }
    },
    cancel() {
      if (stop()) log("viewer_left", { runId: run.info.id, position });
    },
  }, { highWaterMark: 0 });

  async function send(controller: ReadableStreamDefaultController<Uint8Array>) {
    while (!ended) {
      if (position < run.log.length) {
        const end = run.log.batchEnd(position, BATCH_BYTES);
        for (const bytes of run.log.frameBytes(position, end)) controller.enqueue(bytes);
        const last = run.log.typeAt(end - 1);
        position = end;
        if (last === "stream_done") {
          stop();
          controller.close();
        }
        return;
      }
      if (run.closed) {
        stop();
        controller.close();
        return;
      }
      await run.changed();
    }
  }
}

/**
 * The reason an erroring body ends its connection abruptly. Deno prints that reason to stderr as
 * it is; a string of one JSON object keeps stderr one JSON log line per line, with no stack.
 */
export function abruptEnd(why: string): string {
  return JSON.stringify({ ts: new Date().toISOString(), event: "response_aborted", reason: why });
}
