/**
 * When a dead connection tries again: exponential backoff with full jitter between attempts,
 * never sooner than the server asked (`retry:`, `Retry-After`), and at once when the page becomes
 * visible again or the browser comes back online. While the browser is offline an attempt would
 * fail at once: the retry waits for `online` instead, and the wait counts as no attempt, so an
 * hour on a ward without Wi-Fi does not use up `max-retries`.
 */
import { backoffDelay } from "./backoff.ts";
import type { ConnectionSettings } from "./connection-types.ts";
import type { ConnectionEnvironment } from "./environment.ts";

/** The retries of one piece of work. */
export class RetrySchedule {
  readonly #env: ConnectionEnvironment;
  readonly #settings: () => ConnectionSettings;
  #attempt = 0;
  /** The server's `retry:`: the floor of every delay. */
  #serverRetryMs = 0;
  #timer?: unknown;
  #due?: () => void;

  constructor(env: ConnectionEnvironment, settings: () => ConnectionSettings) {
    this.#env = env;
    this.#settings = settings;
  }

  /** The server's `retry:` value. */
  set serverRetryMs(ms: number) {
    this.#serverRetryMs = ms;
  }

  /** Hears the page come back (while the host is connected). */
  listen(): void {
    this.#env.document.addEventListener("visibilitychange", this.#wake);
    this.#env.window.addEventListener("online", this.#wake);
  }

  unlisten(): void {
    this.#env.document.removeEventListener("visibilitychange", this.#wake);
    this.#env.window.removeEventListener("online", this.#wake);
  }

  /** The connection delivered the run again: the next failure starts from the first attempt. */
  succeeded(): void {
    this.#attempt = 0;
  }

  /** New work: no attempt made, nothing heard from its server yet. */
  reset(): void {
    this.cancel();
    this.#attempt = 0;
    this.#serverRetryMs = 0;
  }

  /** Drops a waiting retry. */
  cancel(): void {
    this.#env.clearTimeout(this.#timer);
    this.#timer = this.#due = undefined;
  }

  /** Schedules `retry` as the next attempt; false once `max-retries` attempts in a row failed. */
  schedule(retry: () => void, floorMs = 0): boolean {
    if (this.#env.window.navigator?.onLine === false) {
      this.#due = retry;
      return true;
    }
    this.#attempt++;
    if (this.#attempt > this.#settings().maxRetries) return false;
    this.#due = retry;
    this.#timer = this.#env.setTimeout(() => this.#fire(), this.delay(this.#attempt - 1, floorMs));
    return true;
  }

  /** The backoff delay before attempt `attempt` (0 for the first), never sooner than asked. */
  delay(attempt: number, floorMs = 0): number {
    const settings = this.#settings();
    return backoffDelay(attempt, {
      baseMs: settings.retryBaseMs,
      maxMs: settings.retryMaxMs,
      floorMs: Math.max(this.#serverRetryMs, floorMs),
      random: this.#env.random,
    });
  }

  #fire(): void {
    const due = this.#due;
    this.#timer = this.#due = undefined;
    due?.();
  }

  /** A retry waiting for its timer, or for the network, runs at once when the page can connect. */
  #wake = (): void => {
    if (this.#due === undefined || this.#env.document.visibilityState === "hidden") return;
    this.#env.clearTimeout(this.#timer);
    this.#fire();
  };
}
