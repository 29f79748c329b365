// @ts-check
/**
 * The status strip: the run's status and stages read from the provider's view, and the figures the
 * page measures itself (time to first token, elapsed time, reconnections), which the view does not
 * hold.
 */
import { $, h } from "./dom.js";
import { provider } from "./provider.js";
import { renderStepper } from "./stepper.js";

const STATUS_LABELS = {
  idle: "Ready",
  connecting: "Connecting …",
  streaming: "Streaming",
  reconnecting: "Reconnecting …",
  done: "Complete",
  error: "Interrupted",
  cancelled: "Stopped",
};

/** How often the elapsed time moves while work runs. */
const TICK_MS = 200;

/** What the page measures of the work it shows, from the moment it began. */
export class WorkFigures {
  /** `performance.now()` when the work began; 0 before any. */
  startedAt = 0;
  /** @type {number | undefined} */
  firstTokenMs;
  /** @type {number | undefined} */
  endedAt;
  reconnects = 0;
  /**
   * The view's `lastSeq` when the connection dropped: where the stream resumes.
   * @type {number | undefined}
   */
  droppedAt;
  /** The work goes as one batch request: streaming is switched off. */
  batch = false;
  /** Started from inside the elements (Retry, a follow-up question), not by this page. */
  fromElements = false;
}

/** The figures of the work shown now. */
export let figures = new WorkFigures();

/** @type {ReturnType<typeof setInterval> | undefined} */
let ticker;

const strip = $("status-strip");

/** The status the strip shows. */
export function shownStatus() {
  return strip.dataset.status ?? "idle";
}

/** Shows what the provider's view holds now, with the page's figures. */
export function renderStrip() {
  const view = provider.view;
  const status = view.status;
  strip.dataset.status = status;
  let label = STATUS_LABELS[status] ?? status;
  if (status === "done" && view.verified) label = "Complete · verified";
  if (status === "connecting" && figures.batch) label = "Waiting for the batch result …";
  $("status-label").textContent = label;
  const { startedAt, firstTokenMs, endedAt, reconnects, batch } = figures;
  $("metric-ttft").textContent = firstTokenMs === undefined ? "—" : formatMs(firstTokenMs);
  $("metric-elapsed").textContent = startedAt
    ? formatMs((endedAt ?? performance.now()) - startedAt)
    : "—";
  $("metric-delivery").textContent = !startedAt
    ? "—"
    : batch
    ? "Batch fallback"
    : reconnects > 0
    ? `Streaming · resumed ${reconnects}×`
    : "Streaming";
  renderStepper(view);
}

/** @param {number} ms */
function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Shows (or clears) the note under the strip. The note is added to a live region that is always
 * there, so screen readers announce it.
 * @param {string | undefined} text @param {"warn" | "ok" | "info"} [tone]
 */
export function setNote(text, tone = "warn") {
  $("status-notes").replaceChildren(
    ...(text ? [h("p", { class: "status-note", id: "status-note", "data-tone": tone }, text)] : []),
  );
}

/** Keeps the elapsed time moving while work runs (or stops it). @param {boolean} active */
export function tickElapsed(active) {
  clearInterval(ticker);
  ticker = active ? setInterval(renderStrip, TICK_MS) : undefined;
}

/**
 * Work is about to start: fresh figures, and the last run's outcome cleared from the strip. The
 * strip shows `connecting` already, so the provider's own `connecting` is known as this work's.
 * @param {{batch: boolean, fromElements: boolean}} options
 */
export function showWorkBegun({ batch, fromElements }) {
  figures = Object.assign(new WorkFigures(), {
    startedAt: performance.now(),
    batch,
    fromElements,
  });
  strip.dataset.status = "connecting";
  delete strip.dataset.finish;
  delete strip.dataset.verified;
  delete strip.dataset.runId;
  setNote(
    batch
      ? "Streaming is off: the widgets ask for the whole answer in one request, so nothing shows until it is complete."
      : undefined,
    "info",
  );
  tickElapsed(true);
}

/** No work: the strip shows a provider that was just reset. */
export function clearWork() {
  figures = new WorkFigures();
  tickElapsed(false);
  renderStrip();
}

/**
 * Copies how the run ended onto the strip, where scripts (and the end-to-end test) read it.
 * @param {{finishReason: string, verified: boolean}} ended
 */
export function markEnded({ finishReason, verified }) {
  strip.dataset.verified = String(verified);
  strip.dataset.finish = finishReason;
  strip.dataset.runId = provider.view.runId ?? "";
}

/** Marks the strip with the run it shows. @param {string} runId */
export function markRun(runId) {
  strip.dataset.runId = runId;
}
