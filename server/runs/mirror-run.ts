/**
 * The local copy of a run another process produces (a Redis follower): further events come
 * through `ingest`, in seq order, and it ends at their `stream_done`, or at `lose` when the
 * producer is gone.
 */
import { finishStatus } from "../../protocol/finish-status.ts";
import type { SequencedEvent } from "../../protocol/events.ts";
import { type LoggedRun, Run, type RunOptions } from "./run.ts";

/** A run followed from another process. */
export class MirrorRun extends Run {
  /** The mirror of a run from its events so far. */
  static follow({ info, events }: LoggedRun, options: RunOptions): MirrorRun {
    const run = new MirrorRun(info, options);
    for (const event of events) run.ingest(event);
    return run;
  }

  /** Takes the next event, in seq order; `stream_done` ends the mirror. */
  ingest(event: SequencedEvent): void {
    if (!this.running || event.seq !== this.log.lastSeq + 1) return;
    const ends = event.type === "stream_done";
    if (ends) this.settle(finishStatus(event.metadata.finish_reason));
    this.log.append(event);
    this.wake();
    if (ends) this.finish();
  }

  /** Ends a run whose producer is gone, as every instance ends it (see `endLost`). */
  lose(): void {
    this.endLost();
  }
}
