/**
 * Runs of other instances, mirrored in this process for its viewers (shared log only): one
 * follow of the shared log per run, however many viewers, stopped when the run ends or when
 * nobody here has watched it for a while.
 */
import type { Logger } from "../log.ts";
import { MirrorRun } from "./mirror-run.ts";
import { Run } from "./run.ts";
import type { SharedRun, SharedRuns } from "./shared-runs.ts";
import type { Clock, TimerHandle } from "./timers.ts";

/** What mirrors are built with. */
export interface MirrorOptions {
  clock: Clock;
  flushMs: number;
  backlogBytes: number;
  shared: SharedRuns;
  log: Logger;
}

interface Entry {
  run: MirrorRun;
  stop?: () => void;
  idle?: TimerHandle;
}

// A mirror nobody here watches stops following after this long.
const IDLE_MS = 2000;

/** The mirrored runs of this process. */
export class Mirrors {
  readonly #entries = new Map<string, Entry>();
  readonly #options: MirrorOptions;

  constructor(options: MirrorOptions) {
    this.#options = options;
  }

  /** The shared log the mirrors follow. */
  get shared(): SharedRuns {
    return this.#options.shared;
  }

  /** The mirror of a run, while it is followed. */
  get(runId: string): Run | undefined {
    return this.#entries.get(runId)?.run;
  }

  /**
   * The local run for one loaded from the shared log: a replay when it has ended, a run ending
   * in `stream_lost` when its owner is gone, else a mirror following it live.
   */
  adopt(found: SharedRun): Run {
    const { clock, flushMs, backlogBytes, shared, log } = this.#options;
    const runId = found.info.id;
    if (found.events.at(-1)?.type === "stream_done") {
      return Run.replay(found, { clock, flushMs, backlogBytes });
    }
    const run = MirrorRun.follow(found, {
      clock,
      flushMs,
      backlogBytes,
      hooks: {
        onViewers: (_run, count) => {
          shared.presence(runId, count);
          if (count === 0) this.#armIdle(runId);
          else this.#clearIdle(runId);
        },
        onFinish: () => {
          shared.presence(runId, 0);
          this.#forget(runId);
        },
      },
    });
    if (found.status !== "running") {
      run.lose();
      return run;
    }
    const follow = shared.follow(runId, run.log.lastSeq, {
      event: (event) => run.ingest(event),
      lost: () => {
        if (!run.running) return;
        log("run_lost", { runId, lastSeq: run.log.lastSeq });
        run.lose();
      },
    });
    this.#entries.set(runId, { run, stop: () => follow.stop() });
    this.#armIdle(runId);
    return run;
  }

  /** Stops every follow; viewers end abruptly so that clients resume elsewhere. */
  close(): void {
    for (const [runId, { run }] of [...this.#entries]) {
      this.#forget(runId);
      run.dropViewers();
    }
  }

  #armIdle(runId: string): void {
    const entry = this.#entries.get(runId);
    if (!entry) return;
    this.#clearIdle(runId);
    entry.idle = this.#options.clock.setTimeout(() => {
      if (entry.run.viewerCount === 0) this.#forget(runId);
    }, IDLE_MS);
  }

  #clearIdle(runId: string): void {
    const entry = this.#entries.get(runId);
    if (!entry) return;
    this.#options.clock.clearTimeout(entry.idle);
    entry.idle = undefined;
  }

  #forget(runId: string): void {
    const entry = this.#entries.get(runId);
    if (!entry) return;
    this.#options.clock.clearTimeout(entry.idle);
    entry.stop?.();
    this.#entries.delete(runId);
  }
}
