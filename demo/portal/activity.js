// @ts-check
/** The resilience lab's activity log: what the page and the run did, newest last. */
import { $, h } from "./dom.js";

/** Entries kept; older ones drop off the top. */
const KEPT = 60;

/** Shows the hint the log carries until its first entry. */
export function showEmptyActivity() {
  $("activity-log").append(
    h("li", { class: "activity-empty" }, "Nothing yet. Arm a scenario, then analyse a case."),
  );
}

/** Adds an entry. @param {string} text @param {"info" | "warn" | "error" | "ok"} [tone] */
export function logActivity(text, tone = "info") {
  const list = $("activity-log");
  list.querySelector(".activity-empty")?.remove();
  const now = new Date();
  const stamp = now.toTimeString().slice(0, 8);
  list.append(
    h("li", { "data-tone": tone }, h("time", { datetime: now.toISOString() }, stamp), text),
  );
  while (list.children.length > KEPT) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}
