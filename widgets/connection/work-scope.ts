/**
 * The lifetime of one piece of work: a generation number, and the JSON requests and waits that
 * end with the work. As `@lit/task` counts its runs, whatever an older piece of work still
 * reports is dropped.
 */
import type { StreamEvent } from "../../protocol/events.ts";
import type { RunRecovery } from "../state/actions.ts";
import type { ViewError } from "../state/view-state.ts";
import type { ConnectionEnvironment } from "./environment.ts";
import type { FallbackContext } from "./fallback.ts";
import { type Credentials, requestHeaders } from "./credentials.ts";
import { type JsonOutcome, requestJson } from "./http.ts";

/** What a path without a stream reports; each report is dropped once its work has ended. */
export interface FallbackReports {
  accept(event: StreamEvent): void;
  fail(error: ViewError): void;
  recovered(recovery: RunRecovery): void;
}

/** The current piece of work of a controller. */
export class WorkScope {
  readonly #env: Pick<ConnectionEnvironment, "fetch" | "setTimeout" | "clearTimeout">;
  readonly #credentials: () => Credentials;
  #generation = 0;
  #abort = new AbortController();
  #sleepTimer?: unknown;

  constructor(
    env: Pick<ConnectionEnvironment, "fetch" | "setTimeout" | "clearTimeout">,
    credentials: () => Credentials,
  ) {
    this.#env = env;
    this.#credentials = credentials;
  }

  /**
   * A JSON request with the provider's headers and token, whatever work is current (cancel,
   * history). Never rejects.
   */
  async request(
    url: string,
    body?: unknown,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<JsonOutcome> {
    // Awaited only when a token must be read: without one the request starts at once, as before.
    const pending = requestHeaders(this.#credentials());
    const headers = pending instanceof Promise ? await pending : pending;
    return await requestJson(this.#env.fetch, url, { body, headers, signal });
  }

  /** Changes whenever a piece of work ends. */
  get generation(): number {
    return this.#generation;
  }

  /** Ends the current work: its requests are aborted and its waits never resolve. */
  end(): void {
    this.#generation++;
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#env.clearTimeout(this.#sleepTimer);
    this.#sleepTimer = undefined;
  }

  /** A check that stays true while the work current now lasts. */
  current(): () => boolean {
    const generation = this.#generation;
    return () => generation === this.#generation;
  }

  /** A JSON request of the current work: `undefined` when the work ended meanwhile. */
  async json(url: string, body?: unknown): Promise<JsonOutcome | undefined> {
    const live = this.current();
    const outcome = await this.request(url, body, { signal: this.#abort.signal });
    return live() ? outcome : undefined;
  }

  /** Waits on the injected clock; false when the work ended meanwhile. */
  sleep(ms: number): Promise<boolean> {
    const live = this.current();
    return new Promise((resolve) => {
      this.#sleepTimer = this.#env.setTimeout(() => {
        this.#sleepTimer = undefined;
        resolve(live());
      }, ms);
    });
  }

  /** The context of a fallback path bound to the current work. */
  fallbackContext(
    { accept, fail, recovered, ...options }:
      & FallbackReports
      & Pick<FallbackContext, "delay" | "maxRetries" | "now">,
  ): FallbackContext {
    const live = this.current();
    return {
      ...options,
      json: (url, body) => this.json(url, body),
      sleep: (ms) => this.sleep(ms),
      accept: (event) => {
        if (!live()) return false;
        accept(event);
        // A listener of the event may have started other work.
        return live();
      },
      fail: (error) => {
        if (live()) fail(error);
      },
      recovered: (recovery) => {
        if (live()) recovered(recovery);
      },
    };
  }
}
