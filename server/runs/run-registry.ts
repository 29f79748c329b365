/**
 * The runs of this process: live runs in memory, the most recent finished ones kept (up to
 * RUN_TTL_MS and a budget of log bytes) and the others replayed from storage. Enforces
 * MAX_CONCURRENT_RUNS and the orphan grace (DESIGN.md §3). With a shared log (REDIS_URL) it
 * also publishes its runs there, mirrors runs of other instances for local viewers, and carries
 * cancels and viewer presence across instances.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import type { Logger } from "../log.ts";
import type { RunCheckpoint, RunStore } from "../storage/store.ts";
import { Checkpoints } from "./checkpoints.ts";
import { FinishedRuns } from "./finished-runs.ts";
import { SHUTDOWN_MESSAGE } from "./error-messages.ts";
import { LiveRun } from "./live-run.ts";
import { Run, type RunInfo } from "./run.ts";
import { Mirrors } from "./mirrors.ts";
import type { SharedRuns } from "./shared-runs.ts";
import type { Clock, TimerHandle } from "./timers.ts";

/** Log bytes of the finished runs kept in memory; a few workflow runs, dozens of chats. */
const FINISHED_RUNS_BYTES = 1 << 20;

/** Thrown when MAX_CONCURRENT_RUNS runs are already in flight. */
export class OverloadedError extends Error {
  override name = "OverloadedError";
}

/** Limits and timings the registry applies. */
export interface RegistryOptions {
  clock: Clock;
  newId: () => string;
  /** Where finished runs are saved; unused with `shared`, which keeps them instead. */
  store?: RunStore;
  /** The log shared by every instance; absent in the embedded default. */
  shared?: SharedRuns;
  log: Logger;
  maxConcurrentRuns: number;
  orphanGraceMs: number;
  runTtlMs: number;
  flushMs: number;
  backlogBytes: number;
  /** Bytes of frames past which a run ends as `length` (MAX_RUN_BYTES); unbounded when absent. */
  maxRunBytes?: number;
}

/** What a new run is. */
export type RunSpec = Omit<RunInfo, "id" | "createdAt">;

/** How a cancel request ended. */
export type CancelOutcome = "cancelled" | "finished" | "not_found";

/** Holds runs, starts them, finds them, and ends them all at shutdown. */
export class RunRegistry {
  readonly #runs = new Map<string, LiveRun>();
  readonly #timers = new Map<string, TimerHandle>();
  readonly #mirrors: Mirrors | undefined;
  /** Checkpoints of live runs, with the embedded store only. */
  readonly #checkpoints: Checkpoints | undefined;
  readonly #options: RegistryOptions;
  /** Finished runs that the store holds too, so that they may leave memory before their TTL. */
  readonly #finished = new FinishedRuns(FINISHED_RUNS_BYTES, (runId) => {
    this.#clearTimer(runId);
    this.#runs.delete(runId);
  });
  #running = 0;
  #closed = false;

  constructor(options: RegistryOptions) {
    this.#options = options;
    this.#mirrors = options.shared && new Mirrors({ ...options, shared: options.shared });
    this.#checkpoints = options.store && !options.shared
      ? new Checkpoints({ ...options, store: options.store })
      : undefined;
    options.shared?.onCancel((runId) => {
      const run = this.#runs.get(runId);
      if (run?.cancel()) options.log("run_cancelled", { runId, from: "shared" });
    });
    options.shared?.onLost((runId) => {
      if (this.#runs.get(runId)?.lose()) options.log("run_lost", { runId, by: "owner" });
    });
  }

  /** Runs in flight. */
  get running(): number {
    return this.#running;
  }

  /**
   * Creates a run and starts its driver without waiting for it. The run starts orphaned: its
   * grace runs until a viewer attaches. `prepare` runs first, once the run has its id and slot:
   * if it rejects, the run never starts. With a shared log the run is then announced there, so
   * that every instance can find it as soon as its id is known. Throws OverloadedError at the
   * concurrency limit, SharedUnavailableError when the shared log cannot be reached.
   */
  async launch(
    spec: RunSpec,
    driver: (run: LiveRun) => Promise<void>,
    { prepare }: { prepare?: (info: RunInfo) => Promise<void> } = {},
  ): Promise<LiveRun> {
    const info = this.#admit(spec);
    const { shared } = this.#options;
    try {
      await prepare?.(info);
      await shared?.publish(info);
    } catch (error) {
      this.#running--;
      throw error;
    }
    return this.#begin(info, driver);
  }

  /** Takes a slot for a new run; throws OverloadedError at the limit or after shutdown. */
  #admit(spec: RunSpec): RunInfo {
    const options = this.#options;
    // After shutdown no run may start: it would outlive the process.
    if (this.#closed || this.#running >= options.maxConcurrentRuns) {
      throw new OverloadedError("Too many runs");
    }
    this.#running++;
    return { ...spec, id: options.newId(), createdAt: options.clock.now() };
  }

  #begin(info: RunInfo, driver: (run: LiveRun) => Promise<void>): LiveRun {
    const options = this.#options;
    const { shared } = options;
    const checkpoints = this.#checkpoints;
    // Set once a write failed: the failure's own events must not fail the run again.
    let broken = false;
    // The hooks run once `run` is set, but for the first event's write, whose failure comes later.
    const run: LiveRun = LiveRun.start(info, {
      clock: options.clock,
      flushMs: options.flushMs,
      backlogBytes: options.backlogBytes,
      maxBytes: options.maxRunBytes,
      hooks: {
        onViewers: (_, count) => this.#onViewers(run, count),
        onFinish: () => this.#onFinish(run),
        ...(checkpoints ? { onAppend: (live) => checkpoints.touch(live) } : {}),
        ...(shared
          ? {
            onAppend: (_, event) =>
              shared.append(event, () => {
                // Other instances can no longer follow this run without a gap: it ends here as
                // it ends everywhere, lost, so that no instance tells another ending.
                if (broken || !run.running) return;
                broken = true;
                options.log("run_log_write_failed", { runId: run.info.id, seq: event.seq });
                run.lose();
              }),
          }
          : {}),
      },
    });
    this.#runs.set(info.id, run);
    this.#armOrphanTimer(run);
    options.log("run_started", { runId: info.id, kind: info.kind, caseId: info.caseId });
    void driver(run);
    return run;
  }

  /** A run by id: in memory, else a finished run replayed from storage (embedded store only). */
  get(runId: string): Run | undefined {
    const live = this.#runs.get(runId) ?? this.#mirrors?.get(runId);
    if (live) return live;
    const stored = this.#options.store?.loadRun(runId);
    if (!stored) return undefined;
    const { clock, flushMs, backlogBytes } = this.#options;
    return Run.replay(stored, { clock, flushMs, backlogBytes });
  }

  /** A run that was in flight when an earlier process died, as last checkpointed. */
  lost(runId: string): RunCheckpoint | undefined {
    return this.#options.store?.loadLostRun(runId);
  }

  /**
   * A run by id on any instance: in memory, else from the shared log (a live run of another
   * instance is mirrored here and followed), else as `get`. Throws SharedUnavailableError.
   */
  async find(runId: string): Promise<Run | undefined> {
    const local = this.get(runId);
    if (local || !this.#mirrors) return local;
    const found = await this.#mirrors.shared.load(runId);
    // Another request may have mirrored it meanwhile: one follow per run per instance.
    return found && (this.get(runId) ?? this.#mirrors.adopt(found));
  }

  /** Cancels a run wherever it runs. */
  async cancel(runId: string): Promise<CancelOutcome> {
    const { shared } = this.#options;
    const local = this.#runs.get(runId);
    if (local) return local.cancel() ? "cancelled" : "finished";
    if (!shared) return this.get(runId) ? "finished" : "not_found";
    return await shared.requestCancel(runId);
  }

  /** Ends every live run (as an error the client may retry), refuses new ones, clears timers. */
  shutdown(): void {
    this.#closed = true;
    for (const run of this.#runs.values()) {
      if (run.running) {
        // The server, not the model, is going away: `overloaded` is the closed list's code for a
        // server that cannot serve this run now (new runs are refused after shutdown too), and
        // the message says why; a retry reaches the restarted server.
        run.fail("overloaded", { message: SHUTDOWN_MESSAGE });
      }
    }
    for (const timer of this.#timers.values()) this.#options.clock.clearTimeout(timer);
    this.#timers.clear();
    this.#checkpoints?.clear();
    this.#finished.clear();
    this.#runs.clear();
    this.#mirrors?.close();
  }

  #onViewers(run: LiveRun, count: number): void {
    if (!run.running) return;
    if (count > 0) this.#clearTimer(run.info.id);
    else this.#armOrphanTimer(run);
  }

  #armOrphanTimer(run: LiveRun): void {
    const { clock, orphanGraceMs } = this.#options;
    this.#clearTimer(run.info.id);
    this.#timers.set(
      run.info.id,
      clock.setTimeout(() => {
        this.#timers.delete(run.info.id);
        if (run.viewerCount > 0 || !run.running) return;
        const { shared } = this.#options;
        if (!shared) return this.#orphan(run);
        // Viewers on other instances count too; while unsure, the run keeps going.
        void shared.watchedElsewhere(run.info.id).then((watched) => {
          if (!watched) this.#orphan(run);
          else if (run.running && run.viewerCount === 0) this.#armOrphanTimer(run);
        });
      }, orphanGraceMs),
    );
  }

  #orphan(run: LiveRun): void {
    if (run.viewerCount > 0 || !run.cancel()) return;
    this.#options.log("run_orphaned", { runId: run.info.id, graceMs: this.#options.orphanGraceMs });
  }

  #onFinish(run: Run): void {
    const { clock, runTtlMs, store, shared, log } = this.#options;
    this.#running--;
    this.#clearTimer(run.info.id);
    this.#checkpoints?.end(run);
    const last = run.log.last as SequencedEvent & { type: "stream_done" };
    log("run_finished", {
      runId: run.info.id,
      kind: run.info.kind,
      status: run.status,
      finishReason: last.metadata.finish_reason,
      errorCode: run.log.error?.code,
      events: run.log.length,
      chars: run.log.panels.reasoning.length + run.log.panels.chat.length,
      ms: clock.now() - run.info.createdAt,
    });
    if (shared) {
      shared.finish(run.info, run.status, run.log.events).catch((error) =>
        log("run_save_failed", { runId: run.info.id, error: (error as Error).name })
      );
    }
    try {
      if (store) {
        store.saveRun(run.info, run.log.eventsJson());
        if (!shared) this.#finished.add(run.info.id, run.log.allocatedBytes);
      }
    } catch (error) {
      log("run_save_failed", { runId: run.info.id, error: (error as Error).name });
    }
    // A run lost here ends in the shared log as everywhere: later requests read that one ending.
    if (shared && last.seq === 0) return void this.#runs.delete(run.info.id);
    this.#timers.set(
      run.info.id,
      clock.setTimeout(() => {
        this.#timers.delete(run.info.id);
        this.#finished.delete(run.info.id);
        this.#runs.delete(run.info.id);
      }, runTtlMs),
    );
  }

  #clearTimer(runId: string): void {
    this.#options.clock.clearTimeout(this.#timers.get(runId));
    this.#timers.delete(runId);
  }
}
