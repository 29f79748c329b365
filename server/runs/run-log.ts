/**
 * A run's append-only event log: each event once, as its SSE frame encoded once for every viewer,
 * and what the events add up to (panel texts, chunk count, last seq, the error).
 *
 * Frames are written back to back into a few growing pages rather than one buffer each: a buffer
 * per frame costs about as much again as the frame itself, and churns the collector at every
 * event. A viewer gets views of the pages (a batch is one view, two across a page boundary); the
 * written bytes never change, so a view stays valid while it is being sent. The events themselves
 * are not kept as objects, which would cost as much again: viewers need only each event's type,
 * and whole-log work (saving, batch answers) decodes the frames.
 */
import type { ErrorCode, Panel, SequencedEvent } from "../../protocol/events.ts";
import { encodeEvent } from "../../protocol/sse-encode.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The first page of a run; each new page doubles, up to MAX_PAGE_BYTES. */
const FIRST_PAGE_BYTES = 2 * 1024;
const MAX_PAGE_BYTES = 64 * 1024;

/** The events of one run in order, with their frames. */
export class RunLog {
  /** Each panel's text: the concatenation of its chunks. */
  readonly panels: Record<Panel, string> = { reasoning: "", chat: "" };
  #pages: Uint8Array[] = [];
  /** Log bytes before each page. */
  #pageStarts: number[] = [];
  /** Bytes written into the last page. */
  #used = 0;
  /** The page of each event's frame. */
  #pageOf: number[] = [];
  /** Bytes of all frames up to and including each event. */
  readonly #offsets: number[] = [];
  /** The type of each event. */
  #types: SequencedEvent["type"][] = [];
  /** The server time of each event (a timed replay spaces events by it). */
  #times: number[] = [];
  #last: SequencedEvent | undefined;
  #chunkCount = 0;
  #lastSeq = 0;
  #error: { code: ErrorCode; message: string } | undefined;

  /** Events logged so far. */
  get length(): number {
    return this.#types.length;
  }

  /** The last event logged. */
  get last(): SequencedEvent | undefined {
    return this.#last;
  }

  /** The server time (`ts`) of event `index`. */
  tsAt(index: number): number {
    return this.#times[index];
  }

  /** The type of event `index`. */
  typeAt(index: number): SequencedEvent["type"] {
    return this.#types[index];
  }

  /** The events, decoded from their frames: for whole-log work, not per event. */
  get events(): SequencedEvent[] {
    return JSON.parse(this.eventsJson());
  }

  /** Events `from` to `to` (exclusive; all by default) as a JSON array, from their data lines. */
  eventsJson(from = 0, to = this.length): string {
    const data: string[] = [];
    // A frame never spans pages, so each view decodes on its own.
    const views = from === 0 && to === this.length ? [this.#bytes()] : this.frameBytes(from, to);
    // Split at LF only: JSON holds no raw LF, but may hold U+2028, which a regex would end a line at.
    for (const line of views.flatMap((view) => decoder.decode(view).split("\n"))) {
      if (line.startsWith("data: ")) data.push(line.slice("data: ".length));
    }
    return `[${data.join(",")}]`;
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
    this.#write(encodeEvent(event));
    this.#types.push(event.type);
    this.#times.push(event.ts);
    this.#last = event;
    if (event.seq > 0) this.#lastSeq = event.seq;
    if (event.type === "content_chunk") {
      this.panels[event.panel] += event.content;
      this.#chunkCount++;
    }
    if (event.type === "error") {
      this.#error = { code: event.metadata.error_code, message: event.content };
    }
  }

  /** The end of a batch from `index`: as many events as fit `maxBytes` of frames, at least one. */
  batchEnd(index: number, maxBytes: number): number {
    let end = index;
    const base = this.#bytesBefore(index);
    while (end < this.length && (end === index || this.#offsets[end] - base <= maxBytes)) {
      end++;
    }
    return end;
  }

  /** The frames of events `from` to `to` (exclusive), as views of the pages they lie in. */
  frameBytes(from: number, to: number): Uint8Array[] {
    const views: Uint8Array[] = [];
    let first = from;
    while (first < to) {
      const page = this.#pageOf[first];
      let last = first;
      while (last + 1 < to && this.#pageOf[last + 1] === page) last++;
      const start = this.#bytesBefore(first) - this.#pageStarts[page];
      const end = this.#offsets[last] - this.#pageStarts[page];
      views.push(this.#pages[page].subarray(start, end));
      first = last + 1;
    }
    return views;
  }

  /** Each event's frame (views of the pages). */
  get frames(): Uint8Array[] {
    return this.#types.map((_, index) => this.frameBytes(index, index + 1)[0]);
  }

  /** Bytes the pages take, used or not. */
  get allocatedBytes(): number {
    return this.#pages.reduce((sum, page) => sum + page.byteLength, 0);
  }

  /** Bytes of the frames from `index` to the end of the log. */
  bytesFrom(index: number): number {
    return this.#bytesBefore(this.#offsets.length) - this.#bytesBefore(index);
  }

  /**
   * Moves every frame into one page of the exact size when the pages hold more than a quarter of
   * spare room: for a log that is complete and will be kept (a finished run, until its TTL).
   */
  compact(): void {
    const total = this.#bytesBefore(this.#offsets.length);
    const allocated = this.allocatedBytes;
    if ((allocated - total) * 4 <= allocated) return;
    // A copy even of a single page: a view would keep its spare room.
    this.#pages = [this.#pages.length === 1 ? this.#pages[0].slice(0, total) : this.#bytes()];
    this.#pageStarts = [0];
    this.#pageOf.fill(0);
    this.#used = total;
  }

  /** Every frame, back to back, in one buffer (the page itself when there is one). */
  #bytes(): Uint8Array {
    const total = this.#bytesBefore(this.#offsets.length);
    if (this.#pages.length === 1) return this.#pages[0].subarray(0, total);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const [index, page] of this.#pages.entries()) {
      const used = index === this.#pages.length - 1 ? this.#used : this.#pageLength(index);
      bytes.set(page.subarray(0, used), offset);
      offset += used;
    }
    return bytes;
  }

  #write(frame: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = frame.length * 3;
    let page = this.#pages[this.#pages.length - 1];
    if (page === undefined || page.byteLength - this.#used < room) {
      this.#pageStarts.push(this.#bytesBefore(this.#offsets.length));
      const size = Math.min(MAX_PAGE_BYTES, FIRST_PAGE_BYTES << this.#pages.length);
      page = new Uint8Array(Math.max(size, room));
      this.#pages.push(page);
      this.#used = 0;
    }
    const { written } = encoder.encodeInto(frame, page.subarray(this.#used));
    this.#used += written;
    this.#pageOf.push(this.#pages.length - 1);
    this.#offsets.push(this.#bytesBefore(this.#offsets.length) + written);
  }

  /** Bytes written into a page that is not the last. */
  #pageLength(index: number): number {
    return this.#pageStarts[index + 1] - this.#pageStarts[index];
  }

  #bytesBefore(index: number): number {
    return index === 0 ? 0 : this.#offsets[index - 1];
  }
}
