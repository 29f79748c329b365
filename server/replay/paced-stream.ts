/**
 * One viewer of a timed replay (DESIGN.md §11) as an SSE body: the run's log read by index, as
 * `runStream` reads it, but each event sent when it is due — the differences of the events' `ts`
 * divided by the speed factor, silences over the cap shortened and marked with an SSE comment.
 * Due times count from the start of the replay, so timer lateness never adds up. A live run is
 * caught up at that pace and then followed: an event whose due time has passed goes at once.
 */
import { paceStep } from "../../protocol/replay.ts";
import type { Run } from "../runs/run.ts";
import type { TimerHandle } from "../runs/timers.ts";
import { type RunStreamOptions, viewerBody } from "../sse/viewer-body.ts";

const encoder = new TextEncoder();

/** An SSE body replaying `run` from the event after `afterSeq` at speed `factor`. */
export function pacedStream(
  run: Run,
  afterSeq: number,
  options: RunStreamOptions & { factor: number },
): ReadableStream<Uint8Array> {
  const { clock, factor } = options;
  // The replay's start on this clock, and where the last event sent stands in replay time.
  let startedAt: number | undefined;
  let previous: { ts: number; dueMs: number } | undefined;
  let wait: { timer: TimerHandle; wake: () => void } | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wait = { timer: clock.setTimeout(resolve, ms), wake: resolve };
    }).finally(() => wait = undefined);

  // Waits between events may be long at a slow pace: the connection stays visibly alive.
  return viewerBody(run, afterSeq, { ...options, heartbeatAfterEnd: true }, async (
    from,
    controller,
    session,
  ) => {
    session.onEnd ??= () => {
      if (!wait) return;
      clock.clearTimeout(wait.timer);
      wait.wake();
    };
    const ts = run.log.tsAt(from);
    const step = previous ? paceStep(ts - previous.ts, factor) : { waitMs: 0 };
    const dueMs = (previous?.dueMs ?? 0) + step.waitMs;
    startedAt ??= clock.now();
    const waitMs = startedAt + dueMs - clock.now();
    if (waitMs > 0) await sleep(waitMs);
    if (session.ended) return undefined;
    previous = { ts, dueMs };
    if (step.silenceMs !== undefined) {
      const shortened = Math.round(step.waitMs * factor);
      controller.enqueue(
        encoder.encode(
          `: silence ${Math.round(step.silenceMs)} ms shortened to ${shortened} ms\n\n`,
        ),
      );
    }
    for (const bytes of run.log.frameBytes(from, from + 1)) controller.enqueue(bytes);
    return from + 1;
  });
}
