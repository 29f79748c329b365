/**
 * One streaming connection over the chosen transport, and its stall watchdog: no event nor
 * heartbeat for `stallMs` means the connection is dead, so it is closed and its outcome says so.
 */
import type { StreamingTransport } from "./connection-types.ts";
import type { ConnectionEnvironment } from "./environment.ts";
import { eventSourceTransport } from "./eventsource-transport.ts";
import { fetchTransport } from "./fetch-transport.ts";
import { pollTransport } from "./poll-transport.ts";
import type { StreamHandlers, StreamOutcome, StreamRequest, StreamTransport } from "./transport.ts";

/** One connection attempt; closing it aborts its request. */
export class LiveConnection {
  readonly #abort = new AbortController();
  readonly #env: ConnectionEnvironment;
  readonly #transport: StreamTransport;
  readonly #stallMs: number;
  #stallTimer?: unknown;
  /** When something last arrived (or the request was sent): how long the connection is silent. */
  #heardAt: number;

  constructor(
    env: ConnectionEnvironment,
    { transport, stallMs }: { transport: StreamingTransport; stallMs: number },
  ) {
    this.#env = env;
    this.#transport = transport === "eventsource"
      ? eventSourceTransport(env.EventSource)
      : transport === "poll"
      ? pollTransport(env.fetch)
      : fetchTransport(env.fetch);
    this.#stallMs = stallMs;
    this.#heardAt = env.now();
  }

  /** Milliseconds since anything arrived on this connection (or since it was opened). */
  get silentMs(): number {
    return this.#env.now() - this.#heardAt;
  }

  /** Opens the connection; resolves with how it ended (`aborted` once closed). Never rejects. */
  async open(
    request: Omit<StreamRequest, "signal">,
    handlers: StreamHandlers,
  ): Promise<StreamOutcome> {
    this.#watch();
    try {
      return await this.#transport({ ...request, signal: this.#abort.signal }, {
        open: () => {
          this.#watch();
          handlers.open();
        },
        message: (message) => {
          this.#watch();
          handlers.message(message);
        },
        retry: (ms) => handlers.retry(ms),
      });
    } finally {
      this.#unwatch();
    }
  }

  /** Ends the connection: at stream_done, on a stall, for new work, when the host leaves. */
  close(): void {
    this.#unwatch();
    this.#abort.abort();
  }

  /**
   * Something arrived: the stall countdown starts again. One timer serves many events: when it
   * fires early (something arrived since it was set) it waits out the rest of the countdown, so an
   * event costs no timer of its own.
   */
  #watch(): void {
    if (this.#abort.signal.aborted) return;
    this.#heardAt = this.#env.now();
    if (this.#stallTimer === undefined) this.#arm(this.#stallMs);
  }

  #arm(ms: number): void {
    this.#stallTimer = this.#env.setTimeout(() => {
      this.#stallTimer = undefined;
      const left = this.#stallMs - this.silentMs;
      if (left > 0) this.#arm(left);
      else this.close();
    }, ms);
  }

  #unwatch(): void {
    this.#env.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
  }
}
