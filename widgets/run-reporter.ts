/**
 * What a `<stream-provider>` tells about its run, once for all the elements inside it: to people,
 * the run's end and reconnections in a polite live region and its errors in an alert; to the page,
 * the `stream-status`, `stream-error` and `stream-done` events, fired on the provider.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from "lit";
import type { FinishReason } from "../protocol/events.ts";
import { statusAnnouncement } from "./announcements.ts";
import { StreamDoneEvent, StreamErrorEvent, StreamStatusEvent } from "./events.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "./live-region.ts";
import type { ViewError, ViewState } from "./state/view-state.ts";
import { errorMessage, type StreamStrings } from "./strings.ts";

/** The provider's two live regions and its run events. */
export class RunReporter {
  readonly #host: ReactiveControllerHost & EventTarget;
  readonly #strings: () => StreamStrings;
  /** What the polite live region says now: the run's end or a reconnection. */
  #status: Announcement = SILENT;
  /** What the alert says now: the run's error. */
  #alert: Announcement = SILENT;

  constructor(host: ReactiveControllerHost & EventTarget, strings: () => StreamStrings) {
    this.#host = host;
    this.#strings = strings;
  }

  /** Says what the change from `before` to `next` means, and fires `stream-status` on a new one. */
  viewChanged(before: ViewState, next: ViewState): void {
    const strings = this.#strings();
    if (next.error !== before.error) {
      // Cleared with the error, so that reading the page later finds no stale alert.
      this.#alert = announce(this.#alert, next.error ? errorMessage(next.error, strings) : "");
      this.#host.requestUpdate();
    }
    if (next.status === before.status) return;
    const said = statusAnnouncement(next.status, strings);
    if (said !== undefined) {
      this.#status = announce(this.#status, said);
      this.#host.requestUpdate();
    }
    this.#host.dispatchEvent(new StreamStatusEvent(next.status));
  }

  /** Fires `stream-error` for the run's error, worded as the alert says it. */
  failed(error: ViewError): void {
    const message = errorMessage(error, this.#strings());
    this.#host.dispatchEvent(new StreamErrorEvent(error.code, message, error.retryAvailable));
  }

  /** Fires `stream-done`: the run ended, once per run. */
  done(finishReason: FinishReason, verified: boolean): void {
    this.#host.dispatchEvent(new StreamDoneEvent(finishReason, verified));
  }

  /** Both live regions, visually hidden. */
  render(): TemplateResult {
    return html`${renderLiveRegion(this.#status)}${renderLiveRegion(this.#alert, "alert")}`;
  }
}
