/**
 * A run: one piece of LLM work and its append-only event log (seq 1, 2, 3 …), read by its viewers
 * at their own pace; the run only wakes them and never waits for one.
 *
 * This is what every run shares: the log, the viewers, the status and its one ending. A run is
 * live (`LiveRun`: this process produces it), a replay (`Run.replay`: a finished log) or a mirror
 * (`MirrorRun`: another process produces it).
 */
import type { PlanEntry, SequencedEvent } from "../../protocol/events.ts";
import { type FinishStatus, finishStatus } from "../../protocol/finish-status.ts";
import { RunLog } from "./run-log.ts";
import { streamLostEvents } from "./stream-lost.ts";
import type { Clock } from "./timers.ts";
import { type ViewerHandle, ViewerSet } from "./viewer-set.ts";

export type { ViewerHandle } from "./viewer-set.ts";

/** What a run does. */
export type RunKind = "workflow" | "chat";
/** Where a run stands; the last three are final. */
export type RunStatus = "running" | FinishStatus;

/** The identity and plan of a run. */
export interface RunInfo {
  id: string;
  kind: RunKind;
  plan: PlanEntry[];
  caseId?: string;
  conversationId?: string;
  /** The `sub` of the user who started it; absent on runs from before ownership was recorded. */
  owner?: string;
  /** A workflow run's workflow id and input, kept for its result and for chats about it. */
  workflow?: string;
  input?: Record<string, unknown>;
  /** A chat run: the workflow run it is about. */
  aboutRunId?: string;
  /** Epoch ms. */
  createdAt: number;
}

/** Callbacks the registry hangs on a run. */
export interface RunHooks {
  /** The number of viewers changed. */
  onViewers?(run: Run, count: number): void;
  /** The run just ended (its last event is logged). */
  onFinish?(run: Run): void;
  /** An event was just logged by this process (not for mirrors). */
  onAppend?(run: Run, event: SequencedEvent): void;
}

/** Options of a run. */
export interface RunOptions {
  clock: Clock;
  flushMs: number;
  /** Unsent live bytes past which a viewer that stopped reading is dropped. */
  backlogBytes: number;
  /** Bytes of frames past which a live run ends with `finish_reason: "length"` (MAX_RUN_BYTES). */
  maxBytes?: number;
  hooks?: RunHooks;
}

/** A run's identity and the events logged so far. */
export interface LoggedRun {
  info: RunInfo;
  events: readonly SequencedEvent[];
}

/** A run's log, viewers and status. */
export class Run {
  readonly info: RunInfo;
  readonly log = new RunLog();
  protected readonly options: RunOptions;
  readonly #viewers: ViewerSet;
  #status: RunStatus = "running";
  #closed = false;
  #changed = Promise.withResolvers<void>();
  #done = Promise.withResolvers<void>();

  protected constructor(info: RunInfo, options: RunOptions) {
    this.info = info;
    this.options = options;
    this.#viewers = new ViewerSet({
      clock: options.clock,
      backlogBytes: options.backlogBytes,
      onCount: (count) => options.hooks?.onViewers?.(this, count),
    });
  }

  /** A finished run rebuilt from its stored log, for replay only. */
  static replay({ info, events }: LoggedRun, options: RunOptions): Run {
    const run = new Run(info, options);
    for (const event of events) run.log.append(event);
    const last = events.at(-1);
    // A log without its stream_done was cut short: it ended in error.
    run.settle(last?.type === "stream_done" ? finishStatus(last.metadata.finish_reason) : "error");
    run.finish();
    return run;
  }

  /** Where the run stands. */
  get status(): RunStatus {
    return this.#status;
  }

  /** Whether the run is still producing. */
  get running(): boolean {
    return this.#status === "running";
  }

  /**
   * Whether the log is complete: no event will follow. A run stops `running` first and closes its
   * log a moment later, once its last events are logged; readers of the log wait for this.
   */
  get closed(): boolean {
    return this.#closed;
  }

  /** Viewers attached now. */
  get viewerCount(): number {
    return this.#viewers.size;
  }

  /** Resolves when the run has ended. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Resolves at the next append or at the end, whichever comes first. */
  changed(): Promise<void> {
    return this.#changed.promise;
  }

  /** Registers a viewer (for orphan tracking and the backlog bound). */
  addViewer(viewer: ViewerHandle): void {
    this.#viewers.add(viewer);
  }

  /** Unregisters a viewer. */
  removeViewer(viewer: ViewerHandle): void {
    this.#viewers.remove(viewer);
  }

  /** Ends every viewer's response abruptly (this process is going away; the run is not). */
  dropViewers(): void {
    this.#viewers.dropAll();
  }

  /**
   * Leaves `running` for good: the first step of every ending, so that nothing which runs while
   * the run ends (a viewer dropped, an upstream aborted and its driver failing) ends it again.
   * False when the run had ended already.
   */
  protected settle(status: FinishStatus): boolean {
    if (!this.running) return false;
    this.#status = status;
    return true;
  }

  /** Wakes the viewers waiting for the next event, then drops those that stopped reading. */
  protected wake(): void {
    const wake = this.#changed;
    this.#changed = Promise.withResolvers<void>();
    wake.resolve();
    this.#viewers.dropStalled((index) => this.log.bytesFrom(index));
  }

  /** The log is complete: it is kept (until the TTL) without spare room, and waiters resume. */
  protected finish(): void {
    this.#closed = true;
    this.log.compact();
    this.#done.resolve();
    this.options.hooks?.onFinish?.(this);
  }

  /**
   * Ends a run whose shared log can no longer be followed or written: its viewers get the in-band
   * `stream_lost` pair (seq 0, so no cursor moves) after the partial content they already have.
   * False when the run had ended already.
   */
  protected endLost(): boolean {
    if (!this.settle("error")) return false;
    const last = this.log.last;
    const lost = streamLostEvents(this.info.id, {
      ts: this.options.clock.now(),
      ...(last ? { panel: last.panel, stage: last.stage } : {}),
      panels: this.log.panels,
      chunkCount: this.log.chunkCount,
    });
    for (const event of lost) this.log.append(event);
    this.wake();
    this.finish();
    return true;
  }
}
