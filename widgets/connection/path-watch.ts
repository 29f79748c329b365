/**
 * Whether the path to the server holds streamed responses back (DESIGN.md §10): a proxy that
 * buffers whatever `X-Accel-Buffering` says keeps the headers and the body until its buffers fill,
 * so the reader sees nothing for seconds and then a burst. Two signs, over the default transport:
 *
 * - no byte of a stream within `buffer-detect-ms` of asking for it;
 * - once bytes came, a silence that long while the run is known to be ahead: the server's status
 *   (a complete response, which passes) says it logged events the stream has not delivered, and a
 *   moment later the stream still has not. A model that is merely quiet is not ahead.
 *
 * The verdict holds for the rest of the connection's life: a path that buffered once will again.
 * Time comes from the injected environment.
 */
import type { ConnectionEnvironment } from "./environment.ts";

/** What the watch asks of its connection. */
export interface PathWatchOptions {
  /** `buffer-detect-ms`, read at each use. */
  detectMs(): number;
  /** The last seq the server logged for the run being read; undefined when it cannot tell. */
  probe(): Promise<number | undefined>;
  /** The last seq the stream delivered. */
  delivered(): number;
  /** The path was found to hold the stream back. */
  buffering(): void;
}

/** The share of `buffer-detect-ms` a healthy path gets to deliver what the server said it has. */
const CONFIRM_SHARE = 4;

/** Watches the streams of one connection controller for a buffering path. */
export class PathWatch {
  readonly #env: Pick<ConnectionEnvironment, "setTimeout" | "clearTimeout" | "now">;
  readonly #options: PathWatchOptions;
  #buffered = false;
  /** Changes whenever the watched stream changes, so a late probe answer is dropped. */
  #generation = 0;
  #watching = false;
  #heard = false;
  #heardAt = 0;
  #timer?: unknown;

  constructor(
    env: Pick<ConnectionEnvironment, "setTimeout" | "clearTimeout" | "now">,
    options: PathWatchOptions,
  ) {
    this.#env = env;
    this.#options = options;
  }

  /** Whether the path was found to hold streams back. */
  get buffered(): boolean {
    return this.#buffered;
  }

  /** A stream over the default transport was asked for: its first byte is due. */
  watch(): void {
    this.unwatch();
    if (this.#buffered) return;
    this.#watching = true;
    this.#heard = false;
    this.#heardAt = this.#env.now();
    this.#arm(this.#options.detectMs());
  }

  /** Something arrived on the watched stream. */
  heard(): void {
    if (!this.#watching) return;
    this.#heard = true;
    this.#heardAt = this.#env.now();
  }

  /** The watched stream is over, or is not one to watch. */
  unwatch(): void {
    this.#generation++;
    this.#watching = false;
    this.#env.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Checks again once the stream may have been silent for `buffer-detect-ms`. */
  #arm(ms: number): void {
    this.#env.clearTimeout(this.#timer);
    this.#timer = this.#env.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#timer = undefined;
    const detectMs = this.#options.detectMs();
    const silentMs = this.#env.now() - this.#heardAt;
    if (silentMs < detectMs) return this.#arm(detectMs - silentMs);
    if (!this.#heard) return this.#conclude();
    void this.#probe(detectMs);
  }

  async #probe(detectMs: number): Promise<void> {
    const generation = this.#generation;
    const reached = await this.#options.probe();
    if (generation !== this.#generation) return;
    if (reached === undefined || reached <= this.#options.delivered()) return this.#arm(detectMs);
    this.#timer = this.#env.setTimeout(() => {
      this.#timer = undefined;
      if (this.#options.delivered() < reached) this.#conclude();
      else this.#arm(detectMs);
    }, detectMs / CONFIRM_SHARE);
  }

  #conclude(): void {
    this.unwatch();
    this.#buffered = true;
    this.#options.buffering();
  }
}
