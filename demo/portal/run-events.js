// @ts-check
/**
 * Follows the provider's `stream-*` events: each one says when to read `provider.view` again. The
 * strip shows the view; the activity log and the note under the strip tell the story of the run.
 */
import { logActivity } from "./activity.js";
import { signedIn } from "./clinicians.js";
import { $ } from "./dom.js";
import { streamingOff } from "./health.js";
import { disarmScenarios } from "./lab.js";
import { provider } from "./provider.js";
import {
  figures,
  markEnded,
  markRun,
  renderStrip,
  setNote,
  shownStatus,
  showWorkBegun,
  tickElapsed,
} from "./status-strip.js";

/**
 * Work is about to start, from this page or from inside the elements (Retry, a follow-up question).
 * @param {{fromElements: boolean}} options
 */
export function beginWork({ fromElements }) {
  showWorkBegun({ batch: streamingOff(), fromElements });
  disarmScenarios();
}

/**
 * Points the "second viewer" link at a run, or disables it.
 * @param {string | undefined} runId
 */
export function setSecondViewer(runId) {
  const link = $("second-viewer");
  if (runId) {
    // Signed in as Dr Ada, the second viewer is Dr Bo, invited as an observer.
    const as = signedIn()?.key === "ada" ? "as=bo&" : "";
    link.setAttribute("href", `/?${as}run=${encodeURIComponent(runId)}`);
    link.removeAttribute("aria-disabled");
  } else {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
  }
}

/**
 * Listens to the provider for as long as the page lives.
 * @param {{onRunCase: (caseId: string) => void}} options `onRunCase` runs with the case of each
 *   run that starts, which may be another than the one shown (a run followed from another tab).
 */
export function followRuns({ onRunCase }) {
  provider.addEventListener("stream-status", ({ detail: { status } }) => {
    const shown = shownStatus();
    // New work started from inside the elements (a follow-up question, Retry) also resets the figures.
    if (status === "connecting" && shown !== "connecting") {
      beginWork({ fromElements: true });
    }
    const { lastSeq, runId } = provider.view;
    if (status === "reconnecting" && shown !== "reconnecting") {
      figures.reconnects++;
      figures.droppedAt = lastSeq;
      setNote(`Connection lost after event #${lastSeq}. Reconnecting to resume from there …`);
      logActivity(`Connection lost after event #${lastSeq}; reconnecting`, "warn");
    }
    if (status === "streaming" && figures.droppedAt !== undefined) {
      const from = figures.droppedAt;
      setNote(
        `Resumed from event #${from}: the server replayed what was missed, then went on live.`,
        "info",
      );
      logActivity(`Resumed from event #${from} (cursor ${runId}.${from})`, "ok");
      figures.droppedAt = undefined;
    }
    if (status === "done" || status === "error" || status === "cancelled") {
      figures.endedAt ??= performance.now();
      tickElapsed(false);
    }
    if (status === "cancelled") logActivity("Run stopped by the clinician", "warn");
    renderStrip();
  });

  provider.addEventListener("stream-event", ({ detail: { event } }) => {
    const view = provider.view;
    switch (event.type) {
      case "run_start": {
        const runId = /** @type {string} */ (view.runId);
        markRun(runId);
        setSecondViewer(runId);
        if (view.kind === "chat") {
          logActivity("Follow-up question sent; the reply streams into the chat");
        } else if (figures.fromElements) {
          logActivity("Retry: the analysis runs again as a new run");
        }
        if (event.metadata.case_id) onRunCase(event.metadata.case_id);
        break;
      }
      case "content_chunk":
        // Chunks change nothing else on the strip; the elapsed ticker keeps it fresh meanwhile.
        if (figures.firstTokenMs !== undefined || !figures.startedAt) return;
        figures.firstTokenMs = performance.now() - figures.startedAt;
        break;
      case "error":
        logActivity(`Run error: ${view.error?.code}`, "error");
        break;
      case "stream_done":
        figures.endedAt ??= performance.now();
        break;
      case "stage_start":
      case "stage_complete":
      case "heartbeat":
        break;
    }
    renderStrip();
  });

  provider.addEventListener("stream-done", ({ detail: { finishReason, verified } }) => {
    markEnded({ finishReason, verified });
    if (finishReason === "stop") {
      const what = provider.view.kind === "chat" ? "Reply" : "Analysis";
      logActivity(
        verified
          ? `${what} complete; text verified against the server's SHA-256 digest`
          : `${what} complete; digest mismatch`,
        verified ? "ok" : "error",
      );
      if (figures.reconnects > 0 && verified) {
        setNote(
          `Resumed ${figures.reconnects}× after a lost connection; the full text matches the server exactly.`,
          "ok",
        );
      }
    }
    renderStrip();
  });

  provider.addEventListener("stream-error", ({ detail: { code, message } }) => {
    setNote(`${message} (${code}). The text received so far is kept; use Retry to run it again.`);
  });
}
