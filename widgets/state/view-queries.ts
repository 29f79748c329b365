/** Questions the elements ask of a view. Pure. */
import type { Panel } from "../../protocol/events.ts";
import type { StreamStatus, ViewState } from "./view-state.ts";

/** Whether output may still arrive in this run status (the Stop, caret and aria-busy states). */
export function isBusy(status: StreamStatus): boolean {
  return status === "connecting" || status === "streaming" || status === "reconnecting";
}

/** The concatenated text of one panel, sections in plan order: what the server's digest covers. */
export function panelText(view: Pick<ViewState, "sections">, panel: Panel): string {
  return view.sections[panel].map((section) => section.text).join("");
}
