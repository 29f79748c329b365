/**
 * One run of a scripted stream as its viewers see it: the log grows (a cancel ends it early) and
 * each connection writes it as SSE bytes through the protocol's own encoder — from after a cursor,
 * at a pace, cut or stalled where the test asks.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { endingOf, isFinished } from "./run-log.ts";

/**
 * How fast a stream plays: `"virtual"` writes every event at once (the recorded `ts` stay, the
 * clock does not wait), `"original"` spaces events as they were produced, a number `n` plays `n`
 * times faster than that.
 */
export type Pace = "virtual" | "original" | number;

/** What one connection writes besides the events. */
export interface ConnectionPlan {
  /** Write the events with seq greater than this. */
  after: number;
  pace: Pace;
  /** The `retry:` line the stream starts with. */
  retryMs: number;
  /** Cut the connection (a network error) right after the event with this seq. */
  cutAfter?: number;
  /** Write nothing more, holding the connection open, after the event with this seq. */
  stallAfter?: number;
}

/** A run being played: its events so far, and a way to wait for more. */
export class PlayedRun {
  #events: SequencedEvent[];
  /** Wakes the connections waiting for the log to grow. */
  #waiting = new Set<() => void>();
  /** Connections opened to this run so far. */
  connections = 0;
  /** The highest seq any connection has written. */
  written = 0;

  constructor(readonly runId: string, events: SequencedEvent[]) {
    this.#events = events;
  }

  /** The run's log as it stands. */
  get events(): readonly SequencedEvent[] {
    return this.#events;
  }

  /** Whether its viewers have been sent the run's end (a paced run is live until then). */
  get finished(): boolean {
    return isFinished(this.#events) && this.written >= this.#events.at(-1)!.seq;
  }

  /**
   * Cancels the run where its viewers stand: what has not been written is dropped, `stream_done`
   * with `cancelled` follows. False when it had already finished.
   */
  async cancel(): Promise<boolean> {
    if (this.finished) return false;
    // Nothing past what was written goes out while the ending is hashed.
    const kept = this.#events.filter((event) => event.seq <= this.written);
    this.#events = kept;
    this.#events = [...kept, ...(await endingOf(kept, "cancelled"))];
    this.#grow();
    return true;
  }

  /**
   * The SSE body of one connection, per `plan`; `signal` aborts it as it aborts a real fetch. It
   * writes an event each time the reader has taken the last, so a cut or a stall falls exactly
   * after the event the plan names, with everything before it read.
   */
  body(plan: ConnectionPlan, signal?: AbortSignal): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let stopped = false;
    let halt = () => {};
    const halted = new Promise<void>((resolve) => (halt = resolve)).then(() => {
      stopped = true;
    });
    let seq = plan.after;
    let previous: SequencedEvent | undefined;
    let cut = false;
    return new ReadableStream({
      start: (controller) => {
        controller.enqueue(encoder.encode(encodeRetry(plan.retryMs)));
        signal?.addEventListener("abort", () => {
          halt();
          // A real fetch's body rejects its pending read on abort; an ended one is left alone.
          try {
            controller.error(signal.reason);
          } catch {
            // Already closed.
          }
        }, { once: true });
      },
      pull: async (controller) => {
        if (cut) return controller.error(new TypeError("The scripted connection was cut"));
        if (seq === plan.stallAfter) return await halted;
        const next = await this.#eventAt(seq + 1, halted);
        const wait = next && previous ? delay(plan.pace, next.ts - previous.ts) : 0;
        if (wait > 0) await Promise.race([sleep(wait), halted]);
        // Read again after the wait: a cancel may have ended the run meanwhile.
        const event = next && await this.#eventAt(seq + 1, halted);
        if (stopped) return;
        if (event === undefined) return controller.close();
        previous = event;
        seq = event.seq;
        controller.enqueue(encoder.encode(encodeEvent(event)));
        this.written = Math.max(this.written, event.seq);
        if (event.type === "stream_done") controller.close();
        cut = event.seq === plan.cutAfter;
      },
      cancel: halt,
    });
  }

  /** The event with `seq`, once the run has it; `undefined` when the connection stopped first. */
  async #eventAt(seq: number, stopped: Promise<void>): Promise<SequencedEvent | undefined> {
    for (;;) {
      const event = this.#events.find((candidate) => candidate.seq === seq);
      if (event !== undefined) return event;
      if (isFinished(this.#events)) return undefined;
      let wake = () => {};
      const grown = new Promise<boolean>((resolve) =>
        this.#waiting.add(wake = () => resolve(true))
      );
      const grew = await Promise.race([grown, stopped.then(() => false)]);
      this.#waiting.delete(wake);
      if (!grew) return undefined;
    }
  }

  #grow(): void {
    for (const wake of this.#waiting) wake();
  }
}

/** How long to wait between two events `gapMs` apart in the recording. */
function delay(pace: Pace, gapMs: number): number {
  if (pace === "virtual" || gapMs <= 0) return 0;
  return pace === "original" ? gapMs : gapMs / pace;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
