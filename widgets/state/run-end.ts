/** How a run's view ends: finished for a reason, or failed with an error. Pure. */
import type { FinishReason } from "../../protocol/events.ts";
import { finishStatus } from "../../protocol/finish-status.ts";
import { endSections } from "./sections.ts";
import type { StreamState } from "./stream-state.ts";
import type { ViewError } from "./view-state.ts";

/** The run is over for `reason`: its status follows, and every open section closes alike. */
export function endRun(state: StreamState, reason: FinishReason): StreamState {
  const status = finishStatus(reason);
  const next: StreamState = {
    ...state,
    status: status === "complete" ? "done" : status,
    finishReason: reason,
  };
  return endSections(next, status);
}

/** The run failed: partial content stays, its open sections marked as interrupted by the error. */
export function failRun(state: StreamState, error: ViewError): StreamState {
  return endSections({ ...state, status: "error", error }, "error");
}
