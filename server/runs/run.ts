/**
 * A run: one piece of LLM work and its append-only event log (seq 1, 2, 3 …). Drivers open and
 * close stages and write text; the run chunks it, logs each event once with its SSE frame, and
 * wakes its viewers, which read the log at their own pace. The run never waits for a viewer.
 *
 * A run is live (`Run.start`: this process produces it), a replay (`Run.replay`: a finished log)
 * or a mirror (`Run.mirror`: another process produces it; events arrive through `ingest`).
 */
import type {
  ErrorCode,
  FinishReason,
  Panel,
  PlanEntry,
  SequencedEvent,
} from "../../protocol/events.ts";
import { takeChunks } from "./chunker.ts";
import { digestOf } from "./digest.ts";
import { errorMessage } from "./error-messages.ts";
import { RunLog } from "./run-log.ts";
import { streamLostEvents } from "./stream-lost.ts";
import type { Clock, TimerHandle } from "./timers.ts";
import { type ViewerHandle, ViewerSet } from "./viewer-set.ts";

export type { ViewerHandle } from "./viewer-set.ts";

/** What a run does. */
export type RunKind = "workflow" | "chat";
/** Where a run stands; the last three are final. */
export type RunStatus = "running" | "complete" | "cancelled" | "error";

/** The identity and plan of a run. */
export interface RunInfo {
  id: string;
  kind: RunKind;
  plan: PlanEntry[];
  caseId?: string;
  conversationId?: string;
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
  hooks?: RunHooks;
}

/** How a failure is told: whether a retry may help, and the clinician-safe message. */
export interface FailureOptions {
  retryAvailable?: boolean;
  message?: string;
}

/** A run's identity and the events logged so far. */
export interface LoggedRun {
  info: RunInfo;
  events: readonly SequencedEvent[];
}

interface OpenStage {
  stage: string;
  stageIndex: number;
  stageCount: number;
  pending: string;
  chunkIndex: number;
  flushTimer?: TimerHandle;
}

type Draft = SequencedEvent extends infer E
  ? E extends SequencedEvent ? Omit<E, "runId" | "seq" | "ts">
  : never
  : never;

/** One run: its log, its viewers, its stages and its AbortController. */
export class Run {
  readonly info: RunInfo;
  readonly controller = new AbortController();
  readonly #log = new RunLog();
  readonly #viewers: ViewerSet;
  readonly #open = new Map<Panel, OpenStage>();
  /** Chunks sent so far per panel and stage, for a stage opened again. */
  readonly #chunksOf = new Map<string, number>();
  readonly #options: RunOptions;
  #status: RunStatus = "running";
  #mirrored = false;
  #closed = false;
  #changed = Promise.withResolvers<void>();
  #done = Promise.withResolvers<void>();

  private constructor(info: RunInfo, options: RunOptions) {
    this.info = info;
    this.#options = options;
    this.#viewers = new ViewerSet({
      clock: options.clock,
      backlogBytes: options.backlogBytes,
      onCount: (count) => options.hooks?.onViewers?.(this, count),
    });
  }

  /** A new live run, which logs `run_start` at once. */
  static start(info: RunInfo, options: RunOptions): Run {
    const run = new Run(info, options);
    run.#append({
      type: "run_start",
      panel: info.plan[0]?.panel ?? "chat",
      stage: info.plan[0]?.stage ?? "",
      content: "",
      metadata: {
        kind: info.kind,
        stages: info.plan,
        ...(info.caseId === undefined ? {} : { case_id: info.caseId }),
        ...(info.conversationId === undefined ? {} : { conversation_id: info.conversationId }),
      },
    });
    return run;
  }

  /** A finished run rebuilt from its stored log, for replay only. */
  static replay({ info, events }: LoggedRun, options: RunOptions): Run {
    const run = new Run(info, options);
    for (const event of events) run.#log.append(event);
    const last = events[events.length - 1];
    // A log without its stream_done was cut short: it ended in error.
    run.#status = last?.type === "stream_done" ? statusOf(last.metadata.finish_reason) : "error";
    run.#finalize();
    return run;
  }

  /**
   * The local copy of a run another process produces, from its events so far: further events
   * come through `ingest`, and it ends at `stream_done` or `lose`.
   */
  static mirror({ info, events }: LoggedRun, options: RunOptions): Run {
    const run = new Run(info, options);
    run.#mirrored = true;
    for (const event of events) run.ingest(event);
    return run;
  }

  /** The events logged so far, in order, decoded from the log: for whole-log work only. */
  get events(): readonly SequencedEvent[] {
    return this.#log.events;
  }

  /** The events logged so far as a JSON array (what storage keeps). */
  eventsJson(): string {
    return this.#log.eventsJson();
  }

  /** The last event logged. */
  get last(): SequencedEvent | undefined {
    return this.#log.last;
  }

  /** How many events are logged. */
  get length(): number {
    return this.#log.length;
  }

  /** The type of event `index`. */
  typeAt(index: number): SequencedEvent["type"] {
    return this.#log.typeAt(index);
  }

  /** The SSE frame of each event (for inspection: viewers read `frameBytes`). */
  get frames(): readonly Uint8Array[] {
    return this.#log.frames;
  }

  /** Each panel's text so far. */
  get panels(): Readonly<Record<Panel, string>> {
    return this.#log.panels;
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

  /** Whether this run mirrors one another process produces. */
  get mirrored(): boolean {
    return this.#mirrored;
  }

  /** The seq of the last logged event (0 before any). */
  get lastSeq(): number {
    return this.#log.lastSeq;
  }

  /** Why the run failed, when it did. */
  get error(): { code: ErrorCode; message: string } | undefined {
    return this.#log.error;
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

  /** The end of a batch from event `index`: what fits `maxBytes` of frames, at least one event. */
  batchEnd(index: number, maxBytes: number): number {
    return this.#log.batchEnd(index, maxBytes);
  }

  /** The frames of events `from` to `to` (exclusive), as one or two byte views. */
  frameBytes(from: number, to: number): Uint8Array[] {
    return this.#log.frameBytes(from, to);
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

  /** Whether a stage is open on `panel`. */
  isOpen(panel: Panel): boolean {
    return this.#open.has(panel);
  }

  /**
   * Starts a stage on a panel (`stage_start`). A stage opened again on the same panel goes on
   * where it stopped: its chunks keep counting.
   */
  openStage(
    panel: Panel,
    stage: string,
    position: { index: number; count: number; title: string },
  ) {
    if (!this.running) return;
    this.#open.set(panel, {
      stage,
      stageIndex: position.index,
      stageCount: position.count,
      pending: "",
      chunkIndex: this.#chunksOf.get(`${panel} ${stage}`) ?? 0,
    });
    this.#append({
      type: "stage_start",
      panel,
      stage,
      content: "",
      metadata: { stage_index: position.index, stage_count: position.count, title: position.title },
    });
  }

  /** Adds provider text to a panel's open stage; whole chunks go out at once, the rest waits. */
  write(panel: Panel, text: string): void {
    const open = this.#open.get(panel);
    if (!this.running || !open || text === "") return;
    open.pending += text;
    this.#flush(panel, open, "more");
    this.#armFlush(panel, open);
  }

  /**
   * Keeps the idle flush timed from the oldest held character: armed when text starts waiting,
   * never pushed back by later writes, cleared once nothing waits (DESIGN §3: never hold text back
   * longer than FLUSH_MS).
   */
  #armFlush(panel: Panel, open: OpenStage): void {
    const { clock, flushMs } = this.#options;
    if (open.pending === "") {
      clock.clearTimeout(open.flushTimer);
      open.flushTimer = undefined;
      return;
    }
    if (open.flushTimer !== undefined) return;
    open.flushTimer = clock.setTimeout(() => {
      open.flushTimer = undefined;
      if (this.#open.get(panel) !== open) return;
      this.#flush(panel, open, "idle");
      // An idle flush may keep an unfinished grapheme (a lone high surrogate): time it afresh.
      this.#armFlush(panel, open);
    }, flushMs);
  }

  /** Ends a panel's open stage (`stage_complete`) after sending what it still holds. */
  closeStage(panel: Panel): void {
    const open = this.#open.get(panel);
    if (!this.running || !open) return;
    this.#settle(panel, open);
    this.#append({
      type: "stage_complete",
      panel,
      stage: open.stage,
      content: "",
      metadata: {
        chunk_count: open.chunkIndex,
        stage_index: open.stageIndex,
        stage_count: open.stageCount,
      },
    });
  }

  /**
   * Ends the run with an `error` event (partial content stays) and `stream_done{error}`. A failure
   * is worth retrying unless said otherwise: most never come from the request itself.
   */
  fail(code: ErrorCode, options: FailureOptions = {}): void {
    if (this.mirrored) return;
    this.#end("error", {
      code,
      retryAvailable: options.retryAvailable ?? true,
      message: options.message ?? errorMessage(code),
    });
  }

  /** Ends the run normally. */
  complete(reason: "stop" | "length"): void {
    this.#end(reason);
  }

  /** Cancels: ends with `stream_done{cancelled}`, which aborts the upstream call; false when over. */
  cancel(): boolean {
    return !this.mirrored && this.#end("cancelled");
  }

  /** Takes the next event of a mirrored run, in seq order; `stream_done` ends the mirror. */
  ingest(event: SequencedEvent): void {
    if (!this.running || !this.mirrored || event.seq !== this.lastSeq + 1) return;
    this.#log.append(event);
    this.#wake();
    if (event.type !== "stream_done") return;
    this.#status = statusOf(event.metadata.finish_reason);
    this.#finalize();
    this.#options.hooks?.onFinish?.(this);
  }

  /**
   * Ends a mirrored run whose producer is gone: its viewers get the in-band `stream_lost` pair
   * (seq 0, so no cursor moves) after the partial content they already have.
   */
  lose(): void {
    if (!this.running || !this.mirrored) return;
    const last = this.#log.last;
    const lost = streamLostEvents(this.info.id, {
      ts: this.#options.clock.now(),
      ...(last ? { panel: last.panel, stage: last.stage } : {}),
      panels: this.panels,
      chunkCount: this.#log.chunkCount,
    });
    for (const event of lost) this.#log.append(event);
    this.#status = "error";
    this.#wake();
    this.#finalize();
    this.#options.hooks?.onFinish?.(this);
  }

  /**
   * The one way a live run ends, at most once: the status leaves `running` before anything else
   * happens, so nothing that runs while the run ends (a viewer dropped, the upstream aborted and
   * its driver failing) can end it again. The held text goes out, then the error (if any) and
   * `stream_done`; only then is the upstream call aborted.
   */
  #end(reason: FinishReason, failure?: Required<FailureOptions> & { code: ErrorCode }): boolean {
    if (!this.running) return false;
    this.#status = statusOf(reason);
    // The error belongs to the stage that was producing, else to where the log stands.
    const open = [...this.#open.entries()].at(-1);
    this.#settleAll();
    if (failure !== undefined) {
      const last = this.#log.last!;
      this.#append({
        type: "error",
        panel: open?.[0] ?? last.panel,
        stage: open?.[1].stage ?? last.stage,
        content: failure.message,
        metadata: { error_code: failure.code, retry_available: failure.retryAvailable },
      });
    }
    const last = this.#log.last!;
    this.#append({
      type: "stream_done",
      panel: last.panel,
      stage: last.stage,
      content: "",
      metadata: {
        finish_reason: reason,
        chunk_count: this.#log.chunkCount,
        digest: digestOf(this.panels),
      },
    });
    this.#finalize();
    this.#options.hooks?.onFinish?.(this);
    this.controller.abort();
    return true;
  }

  /** The log is complete: it is kept (until the TTL) without spare room, and waiters resume. */
  #finalize(): void {
    this.#closed = true;
    this.#log.compact();
    this.#done.resolve();
  }

  /** Sends all held text of every open stage and closes them without `stage_complete`. */
  #settleAll(): void {
    for (const [panel, open] of this.#open) this.#settle(panel, open);
  }

  #settle(panel: Panel, open: OpenStage): void {
    this.#flush(panel, open, "end");
    this.#chunksOf.set(`${panel} ${open.stage}`, open.chunkIndex);
    this.#options.clock.clearTimeout(open.flushTimer);
    this.#open.delete(panel);
  }

  #flush(panel: Panel, open: OpenStage, mode: "more" | "idle" | "end"): void {
    const { chunks, rest } = takeChunks(open.pending, mode);
    open.pending = rest;
    for (const content of chunks) {
      this.#append({
        type: "content_chunk",
        panel,
        stage: open.stage,
        content,
        metadata: { chunk_index: open.chunkIndex++ },
      });
    }
  }

  #append(draft: Draft): void {
    const { type, ...fields } = draft;
    const seq = this.lastSeq + 1;
    const event = {
      type,
      runId: this.info.id,
      seq,
      ts: this.#options.clock.now(),
      ...fields,
    } as SequencedEvent;
    this.#log.append(event);
    this.#options.hooks?.onAppend?.(this, event);
    this.#wake();
  }

  /** Wakes the viewers waiting for the next event, then drops those that stopped reading. */
  #wake(): void {
    const wake = this.#changed;
    this.#changed = Promise.withResolvers<void>();
    wake.resolve();
    this.#viewers.dropStalled((index) => this.#log.bytesFrom(index));
  }
}

function statusOf(reason: FinishReason): RunStatus {
  switch (reason) {
    case "stop":
    case "length":
      return "complete";
    case "cancelled":
      return "cancelled";
    case "error":
      return "error";
  }
}
