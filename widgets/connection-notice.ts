/**
 * The connection's state shown beside the text it concerns: reconnecting, offline (the browser
 * says so), and for a moment "Reconnected" once the stream goes on. A Lit ReactiveController: it
 * listens for the browser going on- and offline while its host is connected.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import type { StreamStatus } from "./state/view-state.ts";
import type { StreamStrings } from "./strings.ts";

/** How long "Reconnected" stays after the stream went on. */
const RESUMED_MS = 4000;

/** One element's notice of its provider's connection. */
export class ConnectionNotice implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #status: StreamStatus = "idle";
  #resumed?: ReturnType<typeof setTimeout>;
  readonly #onLine = () => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener("online", this.#onLine);
    addEventListener("offline", this.#onLine);
  }

  hostDisconnected(): void {
    removeEventListener("online", this.#onLine);
    removeEventListener("offline", this.#onLine);
    this.#clearResumed();
  }

  /** Follows the run's status: a reconnection that led back to streaming shows as resumed. */
  follow(status: StreamStatus): void {
    if (status === this.#status) return;
    if (this.#status === "reconnecting" && status === "streaming") {
      this.#clearResumed();
      this.#resumed = setTimeout(() => {
        this.#resumed = undefined;
        this.#host.requestUpdate();
      }, RESUMED_MS);
    } else if (status !== "streaming") {
      this.#clearResumed();
    }
    this.#status = status;
  }

  /** The notice, or nothing while the connection is fine. */
  render(strings: StreamStrings): unknown {
    const state = this.#status === "reconnecting"
      ? (navigator.onLine ? "reconnecting" : "offline")
      : this.#resumed !== undefined
      ? "resumed"
      : undefined;
    if (state === undefined) return nothing;
    return html`<div part="connection connection-${state}">${strings[state]}</div>`;
  }

  #clearResumed(): void {
    clearTimeout(this.#resumed);
    this.#resumed = undefined;
  }
}
