/**
 * One long-poll of a run (DESIGN.md §10): the events after a cursor as one complete answer, as
 * soon as there is one, or none once the wait is over. The answer reads the same log by index as
 * an SSE viewer does, so a reader moving between the two never sees a gap or a duplicate.
 *
 * A poll is a viewer while it is open: it holds off the orphan grace like an SSE viewer, and the
 * grace counts again from the end of the last poll.
 */
import type { Run, ViewerHandle } from "./run.ts";
import type { Clock } from "./timers.ts";

/** Frames per answer, as an SSE viewer's pull: a replay arrives in a few polls, not one huge one. */
const ANSWER_BYTES = 64 * 1024;

/** What a poll answers: the events as a JSON array, and whether the run ended with them. */
export interface PollAnswer {
  eventsJson: string;
  done: boolean;
}

/** How long a poll may wait, on which clock, and the request's signal (a client that left). */
export interface PollOptions {
  waitMs: number;
  clock: Clock;
  signal: AbortSignal;
}

/** The events of `run` after seq `afterSeq`, waiting up to `waitMs` for the first of them. */
export async function pollRun(
  run: Run,
  afterSeq: number,
  { waitMs, clock, signal }: PollOptions,
): Promise<PollAnswer> {
  // Seq n is the log's event n - 1: the cursor is the index of the next event to read.
  const from = afterSeq;
  const stop = Promise.withResolvers<void>();
  const viewer: ViewerHandle = {
    position: () => from,
    liveFrom: run.log.length,
    // A poll holds nothing unsent: it is never the slow reader the backlog bound is for.
    stalledSince: () => undefined,
    drop: () => stop.resolve(),
  };
  if (run.running) run.addViewer(viewer);
  try {
    if (from >= run.log.length && !run.closed) {
      await untilChanged(run, stop.promise, { waitMs, clock, signal });
    }
  } finally {
    // Out at once when there was no wait: the orphan grace starts again from this poll.
    run.removeViewer(viewer);
  }
  const end = from < run.log.length ? run.log.batchEnd(from, ANSWER_BYTES) : from;
  return {
    eventsJson: run.log.eventsJson(from, end),
    done: run.closed && end === run.log.length,
  };
}

/**
 * Resolves at the run's next append or end, when the wait is over, when the client left, or when
 * `stopped` resolves (the process is going away).
 */
async function untilChanged(
  run: Run,
  stopped: Promise<void>,
  { waitMs, clock, signal }: PollOptions,
): Promise<void> {
  const length = run.log.length;
  const over = Promise.withResolvers<void>();
  let ended = false;
  const end = () => {
    ended = true;
    over.resolve();
  };
  const timer = clock.setTimeout(end, waitMs);
  signal.addEventListener("abort", end, { once: true });
  void stopped.then(end);
  try {
    while (run.log.length === length && !run.closed && !ended && !signal.aborted) {
      await Promise.race([run.changed(), over.promise]);
    }
  } finally {
    clock.clearTimeout(timer);
    signal.removeEventListener("abort", end);
  }
}
