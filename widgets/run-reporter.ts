/**
 * What a `<stream-provider>` tells about its run, once for all the elements inside it: to people,
 * a workflow's stages, the run's end and reconnections in a polite live region and its errors in
 * an alert; to the page, the `stream-status`, `stream-error` and `stream-done` events, fired on the
 * provider.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from "lit";
import type { FinishReason } from "../protocol/events.ts";
import { stageAnnouncements, statusAnnouncement } from "./announcements.ts";
import { StreamDoneEvent, StreamErrorEvent, StreamStatusEvent } from "./events.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "./live-region.ts";
import type { ViewError, ViewState } from "./state/view-state.ts";
import { errorMessage, type StreamStrings } from "./strings.ts";

/** The provider's two live regions and its run events. */
export class RunReporter {
  readonly #host: ReactiveControllerHost & EventTarget;
  readonly #strings: () => StreamStrings;
  /** What the polite live region says now: stages, the run's end or a reconnection. */
  #status: Announcement = SILENT;
  /**
   * What it says next, in order, once the provider renders: events read in one go (a stage
   * completing and the next starting, the last completing and the run's end) are said together,
   * the newest two stage boundaries only, so that a replayed run is not recited.
   */
  #next: { stages: string[]; status?: string } = { stages: [] };
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
    const stages = stageAnnouncements(before, next, strings);
    if (stages.length > 0) this.#say({ stages: [...this.#next.stages, ...stages].slice(-2) });
    // A switch of transport (to long-poll behind a buffering proxy, to batch) is reported too.
    const switched = before.transport !== undefined && next.transport !== before.transport;
    if (next.status === before.status && !switched) return;
    const said = next.status === before.status
      ? undefined
      : statusAnnouncement(next.status, strings);
    if (said !== undefined) this.#say({ status: said });
    this.#host.dispatchEvent(new StreamStatusEvent(next.status, next.transport));
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
    const { stages, status } = this.#next;
    if (stages.length > 0 || status !== undefined) {
      this.#status = announce(this.#status, [...stages, status ?? []].flat().join(". "));
      this.#next = { stages: [] };
    }
    return html`${renderLiveRegion(this.#status)}${renderLiveRegion(this.#alert, "alert")}`;
  }

  #say(change: { stages?: string[]; status?: string }): void {
    this.#next = { ...this.#next, ...change };
    this.#host.requestUpdate();
  }
}
