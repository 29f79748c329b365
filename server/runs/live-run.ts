/**
 * A run this process produces. Drivers open and close stages and write text; the stage writer
 * chunks it; each event is logged once with its SSE frame. It ends once, by `complete`, `fail` or
 * `cancel`; its upstream call is aborted only after its last event is logged.
 */
import type {
  ErrorCode,
  FinishReason,
  Panel,
  SequencedEvent,
  TokenUsage,
} from "../../protocol/events.ts";
import { finishStatus } from "../../protocol/finish-status.ts";
import { digestOf } from "./digest.ts";
import { errorMessage } from "./error-messages.ts";
import { Run, type RunInfo, type RunOptions } from "./run.ts";
import { type Draft, type StagePosition, StageWriter } from "./stage-writer.ts";

/** How a failure is told: whether a retry may help, and the clinician-safe message. */
export interface FailureOptions {
  retryAvailable?: boolean;
  message?: string;
}

type Failure = Required<FailureOptions> & { code: ErrorCode };

/** A run produced here, with its stages and its AbortController. */
export class LiveRun extends Run {
  readonly controller = new AbortController();
  readonly #stages: StageWriter;
  /** The tokens of every completion whose upstream reported them. */
  #usage: TokenUsage | undefined;

  private constructor(info: RunInfo, options: RunOptions) {
    super(info, options);
    this.#stages = new StageWriter({
      clock: options.clock,
      flushMs: options.flushMs,
      emit: (draft) => this.#append(draft),
    });
  }

  /** A new live run, which logs `run_start` at once. */
  static start(info: RunInfo, options: RunOptions): LiveRun {
    const run = new LiveRun(info, options);
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

  /** Whether a stage is open on `panel`. */
  isOpen(panel: Panel): boolean {
    return this.#stages.isOpen(panel);
  }

  /** Starts a stage on a panel; opened again, it goes on where it stopped. */
  openStage(panel: Panel, stage: string, position: StagePosition): void {
    if (this.running) this.#stages.open(panel, stage, position);
  }

  /**
   * Adds provider text to a panel's open stage. Past the run's bound of frame bytes the run ends
   * as `length` with its text kept; a long delta is written in pieces so that it stops near the
   * bound, never a whole delta past it.
   */
  write(panel: Panel, text: string): void {
    const maxBytes = this.options.maxBytes ?? Infinity;
    for (let from = 0; from < text.length && this.running;) {
      const to = pieceEnd(text, from);
      this.#stages.write(panel, text.slice(from, to));
      if (this.log.bytesFrom(0) >= maxBytes) this.complete("length");
      from = to;
    }
  }

  /** Counts a completion's tokens into the run's usage, which `stream_done` carries. */
  addUsage(usage: TokenUsage): void {
    this.#usage = {
      inputTokens: (this.#usage?.inputTokens ?? 0) + usage.inputTokens,
      outputTokens: (this.#usage?.outputTokens ?? 0) + usage.outputTokens,
    };
  }

  /** Ends a panel's open stage after sending what it still holds. */
  closeStage(panel: Panel): void {
    if (this.running) this.#stages.close(panel);
  }

  /**
   * Ends the run with an `error` event (partial content stays) and `stream_done{error}`. A failure
   * is worth retrying unless said otherwise: most never come from the request itself.
   */
  fail(code: ErrorCode, options: FailureOptions = {}): void {
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
    return this.#end("cancelled");
  }

  /**
   * Ends the run as lost, as every other instance ends it, when its shared log can no longer be
   * written (Redis failed, or the lease is gone): no further event, the in-band `stream_lost`
   * pair, then the upstream call is aborted. Held text is dropped: the shared log never got it.
   */
  lose(): boolean {
    if (!this.endLost()) return false;
    this.controller.abort();
    return true;
  }

  /**
   * The one way a live run ends, at most once: the status leaves `running` before anything else.
   * The held text goes out, then the error (if any) and `stream_done`; only then is the upstream
   * call aborted.
   */
  #end(reason: FinishReason, failure?: Failure): boolean {
    if (!this.settle(finishStatus(reason))) return false;
    // The error belongs to the stage that was producing, else to where the log stands.
    const producing = this.#stages.latest();
    this.#stages.settleAll();
    if (failure !== undefined) {
      const last = this.log.last!;
      this.#append({
        type: "error",
        panel: producing?.panel ?? last.panel,
        stage: producing?.stage ?? last.stage,
        content: failure.message,
        metadata: { error_code: failure.code, retry_available: failure.retryAvailable },
      });
    }
    const last = this.log.last!;
    this.#append({
      type: "stream_done",
      panel: last.panel,
      stage: last.stage,
      content: "",
      metadata: {
        finish_reason: reason,
        chunk_count: this.log.chunkCount,
        digest: digestOf(this.log.panels),
        ...(this.#usage ? { usage: this.#usage } : {}),
      },
    });
    this.finish();
    this.controller.abort();
    return true;
  }

  #append(draft: Draft): void {
    // A stage's idle flush may still fire after `lose` closed the log.
    if (this.closed) return;
    const { type, ...fields } = draft;
    const event = {
      type,
      runId: this.info.id,
      seq: this.log.lastSeq + 1,
      ts: this.options.clock.now(),
      ...fields,
    } as SequencedEvent;
    this.log.append(event);
    this.options.hooks?.onAppend?.(this, event);
    this.wake();
  }
}

/** Characters of text written at once, at most, between two checks of the byte bound. */
const WRITE_PIECE = 1024;

/** The end of the piece of `text` from `from`: never between the halves of a surrogate pair. */
function pieceEnd(text: string, from: number): number {
  const end = Math.min(text.length, from + WRITE_PIECE);
  const high = text.charCodeAt(end - 1);
  return end < text.length && high >= 0xd800 && high <= 0xdbff ? end - 1 : end;
}
