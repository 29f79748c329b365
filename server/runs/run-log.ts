/**
 * A run's append-only event log: each event once, with its SSE frame encoded once for every
 * viewer, and what the events add up to (panel texts, chunk count, last seq, the error).
 */
import type { ErrorCode, Panel, SequencedEvent } from "../../protocol/events.ts";
import { encodeEvent } from "../../protocol/sse-encode.ts";

const encoder = new TextEncoder();

/** The events of one run in order, with their frames. */
export class RunLog {
  readonly events: SequencedEvent[] = [];
  /** The SSE frame of each event. */
  readonly frames: Uint8Array[] = [];
  /** Each panel's text: the concatenation of its chunks. */
  readonly panels: Record<Panel, string> = { reasoning: "", chat: "" };
  /** Bytes of all frames up to and including each event. */
  readonly #offsets: number[] = [];
  #chunkCount = 0;
  #lastSeq = 0;
  #error: { code: ErrorCode; message: string } | undefined;

  /** Events logged so far. */
  get length(): number {
    return this.events.length;
  }

  /** The seq of the last sequenced event (0 before any; seq-0 events do not count). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Content chunks logged so far. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  /** The code and message of the logged `error` event, when there is one. */
  get error(): { code: ErrorCode; message: string } | undefined {
    return this.#error;
  }

  /** Appends an event and its frame. */
  append(event: SequencedEvent): void {
    const frame = encoder.encode(encodeEvent(event));
    this.events.push(event);
    this.frames.push(frame);
    this.#offsets.push(this.#bytesBefore(this.#offsets.length) + frame.byteLength);
    if (event.seq > 0) this.#lastSeq = event.seq;
    if (event.type === "content_chunk") {
      this.panels[event.panel] += event.content;
      this.#chunkCount++;
    }
    if (event.type === "error") {
      this.#error = { code: event.metadata.error_code, message: event.content };
    }
  }

  /** Frames from `index` on, at most `maxBytes` of them (at least one when any). */
  framesFrom(index: number, maxBytes: number): { frames: Uint8Array[]; events: SequencedEvent[] } {
    let end = index;
    const base = this.#bytesBefore(index);
    while (end < this.events.length && (end === index || this.#offsets[end] - base <= maxBytes)) {
      end++;
    }
    return { frames: this.frames.slice(index, end), events: this.events.slice(index, end) };
  }

  /** Bytes of the frames from `index` to the end of the log. */
  bytesFrom(index: number): number {
    return this.#bytesBefore(this.#offsets.length) - this.#bytesBefore(index);
  }

  #bytesBefore(index: number): number {
    return index === 0 ? 0 : this.#offsets[index - 1];
  }
}
