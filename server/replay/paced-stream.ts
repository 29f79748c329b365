/**
 * One viewer of a timed replay (DESIGN.md §11) as an SSE body: the run's log read by index, as
 * `runStream` reads it, but each event sent when it is due — the differences of the events' `ts`
 * divided by the speed factor, silences over the cap shortened and marked with an SSE comment.
 * Due times count from the start of the replay, so timer lateness never adds up. A live run is
 * caught up at that pace and then followed: an event whose due time has passed goes at once.
 */
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { paceStep } from "../../protocol/replay.ts";
import type { Run, ViewerHandle } from "../runs/run.ts";
import type { TimerHandle } from "../runs/timers.ts";
import { abruptEnd, type RunStreamOptions } from "../sse/run-stream.ts";

const encoder = new TextEncoder();

/** An SSE body replaying `run` from the event after `afterSeq` at speed `factor`. */
export function pacedStream(
  run: Run,
  afterSeq: number,
  options: RunStreamOptions & { factor: number },
): ReadableStream<Uint8Array> {
  const { clock, log, factor } = options;
  let position = afterSeq;
  let ended = false;
  let stalledSince: number | undefined = clock.now();
  let heartbeat: TimerHandle | undefined;
  let wait: { timer: TimerHandle; wake: () => void } | undefined;
  let stream!: ReadableStreamDefaultController<Uint8Array>;
  // The replay's start on this clock, and where the last event sent stands in replay time.
  let startedAt: number | undefined;
  let previous: { ts: number; dueMs: number } | undefined;

  const stop = () => {
    if (ended) return false;
    ended = true;
    clock.clearTimeout(heartbeat);
    if (wait) {
      clock.clearTimeout(wait.timer);
      wait.wake();
    }
    run.removeViewer(viewer);
    return true;
  };
  const viewer: ViewerHandle = {
    position: () => position,
    liveFrom: run.log.length,
    // Waiting for an event's time is not a slow connection: only an unread one counts.
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
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wait = { timer: clock.setTimeout(resolve, ms), wake: resolve };
    }).finally(() => wait = undefined);

  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      controller.enqueue(encoder.encode(encodeRetry(options.retryMs)));
      if (run.running) run.addViewer(viewer);
      // Waits between events may be long at a slow pace: the connection stays visibly alive.
      beat();
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
        const [{ ts }] = JSON.parse(run.log.eventsJson(position, position + 1)) as { ts: number }[];
        const step = previous ? paceStep(ts - previous.ts, factor) : { waitMs: 0 };
        const dueMs = (previous?.dueMs ?? 0) + step.waitMs;
        startedAt ??= clock.now();
        const waitMs = startedAt + dueMs - clock.now();
        if (waitMs > 0) await sleep(waitMs);
        if (ended) return;
        previous = { ts, dueMs };
        if (step.silenceMs !== undefined) {
          const shortened = Math.round(step.waitMs * factor);
          controller.enqueue(
            encoder.encode(
              `: silence ${Math.round(step.silenceMs)} ms shortened to ${shortened} ms\n\n`,
            ),
          );
        }
        for (const bytes of run.log.frameBytes(position, position + 1)) controller.enqueue(bytes);
        const type = run.log.typeAt(position);
        position++;
        if (type === "stream_done") {
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
