/**
 * Checkpoints of live runs: each run's partial text is saved as it grows, so that a crash loses at
 * most CHECKPOINT_MS of it. An event costs a comparison (and at most one timer per run); a save
 * writes the run's text so far, at most once per CHECKPOINT_MS per run. The first event saves at
 * once, so every run in flight is on disk from its start.
 */
import type { Logger } from "../log.ts";
import type { RunStore } from "../storage/store.ts";
import type { Run } from "./run.ts";
import type { Clock, TimerHandle } from "./timers.ts";

/** The longest a run's text goes unsaved while it grows. */
export const CHECKPOINT_MS = 1000;

/** Saves the partial text of live runs, throttled per run. */
export class Checkpoints {
  readonly #store: RunStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  /** When each live run was last saved. */
  readonly #savedAt = new Map<string, number>();
  /** The runs with a save due. */
  readonly #due = new Map<string, TimerHandle>();

  constructor(options: { store: RunStore; clock: Clock; log: Logger }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#log = options.log;
  }

  /** `run` logged an event: saves now, or once CHECKPOINT_MS have passed since the last save. */
  touch(run: Run): void {
    const id = run.info.id;
    if (!run.running || this.#due.has(id)) return;
    const savedAt = this.#savedAt.get(id);
    const now = this.#clock.now();
    if (savedAt === undefined || now - savedAt >= CHECKPOINT_MS) return this.#save(run);
    this.#due.set(
      id,
      this.#clock.setTimeout(() => {
        this.#due.delete(id);
        if (run.running) this.#save(run);
      }, savedAt + CHECKPOINT_MS - now),
    );
  }

  /** `run` ended: its whole log is saved instead, and nothing more is due. */
  end(run: Run): void {
    const id = run.info.id;
    this.#clock.clearTimeout(this.#due.get(id));
    this.#due.delete(id);
    this.#savedAt.delete(id);
  }

  /** Clears every due save (the process is stopping). */
  clear(): void {
    for (const timer of this.#due.values()) this.#clock.clearTimeout(timer);
    this.#due.clear();
    this.#savedAt.clear();
  }

  #save(run: Run): void {
    const now = this.#clock.now();
    this.#savedAt.set(run.info.id, now);
    try {
      this.#store.checkpointRun({
        info: run.info,
        panels: { ...run.log.panels },
        lastSeq: run.log.lastSeq,
        updatedAt: now,
      });
    } catch (error) {
      this.#log("run_checkpoint_failed", { runId: run.info.id, error: (error as Error).name });
    }
  }
}
