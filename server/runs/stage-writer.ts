/**
 * The stages a run has open, one per panel, and the chunking of their text: whole word-level
 * chunks go out at once, the rest waits for more text, for the stage's end, or for `flushMs` of
 * idleness (DESIGN §3: never hold text back longer than that). Events leave through `emit`.
 */
import type { Panel, SequencedEvent } from "../../protocol/events.ts";
import { takeChunks } from "./chunker.ts";
import type { Clock, TimerHandle } from "./timers.ts";

/** An event as a run's part writes it: the run adds its id, seq and time. */
export type Draft = SequencedEvent extends infer E
  ? E extends SequencedEvent ? Omit<E, "runId" | "seq" | "ts">
  : never
  : never;

/** Where a stage stands in its run's plan. */
export interface StagePosition {
  index: number;
  count: number;
  title: string;
}

interface OpenStage {
  stage: string;
  position: StagePosition;
  pending: string;
  chunkIndex: number;
  flushTimer?: TimerHandle;
}

/** The open stages of a run and their held text. */
export class StageWriter {
  readonly #open = new Map<Panel, OpenStage>();
  /** Chunks sent so far per panel and stage, for a stage opened again. */
  readonly #chunksOf = new Map<string, number>();
  readonly #clock: Clock;
  readonly #flushMs: number;
  readonly #emit: (draft: Draft) => void;

  constructor(options: { clock: Clock; flushMs: number; emit: (draft: Draft) => void }) {
    this.#clock = options.clock;
    this.#flushMs = options.flushMs;
    this.#emit = options.emit;
  }

  /** Whether a stage is open on `panel`. */
  isOpen(panel: Panel): boolean {
    return this.#open.has(panel);
  }

  /** The panel and stage opened last, while any is open. */
  latest(): { panel: Panel; stage: string } | undefined {
    const entry = [...this.#open.entries()].at(-1);
    return entry && { panel: entry[0], stage: entry[1].stage };
  }

  /**
   * Starts a stage on a panel (`stage_start`). A stage opened again on the same panel goes on
   * where it stopped: its chunks keep counting.
   */
  open(panel: Panel, stage: string, position: StagePosition): void {
    this.#open.set(panel, {
      stage,
      position,
      pending: "",
      chunkIndex: this.#chunksOf.get(`${panel} ${stage}`) ?? 0,
    });
    this.#emit({
      type: "stage_start",
      panel,
      stage,
      content: "",
      metadata: { stage_index: position.index, stage_count: position.count, title: position.title },
    });
  }

  /** Adds text to a panel's open stage; whole chunks go out at once, the rest waits. */
  write(panel: Panel, text: string): void {
    const open = this.#open.get(panel);
    if (!open || text === "") return;
    open.pending += text;
    this.#flush(panel, open, "more");
    this.#armFlush(panel, open);
  }

  /** Ends a panel's open stage (`stage_complete`) after sending what it still holds. */
  close(panel: Panel): void {
    const open = this.#open.get(panel);
    if (!open) return;
    this.#settle(panel, open);
    this.#emit({
      type: "stage_complete",
      panel,
      stage: open.stage,
      content: "",
      metadata: {
        chunk_count: open.chunkIndex,
        stage_index: open.position.index,
        stage_count: open.position.count,
      },
    });
  }

  /** Sends all held text of every open stage and closes them without `stage_complete`. */
  settleAll(): void {
    for (const [panel, open] of this.#open) this.#settle(panel, open);
  }

  /**
   * Keeps the idle flush timed from the oldest held character: armed when text starts waiting,
   * never pushed back by later writes, cleared once nothing waits.
   */
  #armFlush(panel: Panel, open: OpenStage): void {
    if (open.pending === "") {
      this.#clock.clearTimeout(open.flushTimer);
      open.flushTimer = undefined;
      return;
    }
    if (open.flushTimer !== undefined) return;
    open.flushTimer = this.#clock.setTimeout(() => {
      open.flushTimer = undefined;
      if (this.#open.get(panel) !== open) return;
      this.#flush(panel, open, "idle");
      // An idle flush may keep an unfinished grapheme (a lone high surrogate): time it afresh.
      this.#armFlush(panel, open);
    }, this.#flushMs);
  }

  #settle(panel: Panel, open: OpenStage): void {
    this.#flush(panel, open, "end");
    this.#chunksOf.set(`${panel} ${open.stage}`, open.chunkIndex);
    this.#clock.clearTimeout(open.flushTimer);
    this.#open.delete(panel);
  }

  #flush(panel: Panel, open: OpenStage, mode: "more" | "idle" | "end"): void {
    const { chunks, rest } = takeChunks(open.pending, mode);
    open.pending = rest;
    for (const content of chunks) {
      this.#emit({
        type: "content_chunk",
        panel,
        stage: open.stage,
        content,
        metadata: { chunk_index: open.chunkIndex++ },
      });
    }
  }
}
