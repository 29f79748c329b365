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

/**
 * What a reload needs to know of a view: whether its run has ended, and the workflow run it shows,
 * current or earlier (the follow-ups are about it).
 */
export function savedView(
  view: Pick<ViewState, "runId" | "kind" | "earlier" | "finishReason">,
): { ended: boolean; workflowRunId?: string } {
  const workflowRunId = view.kind === "workflow"
    ? view.runId
    : view.earlier.findLast((run) => run.kind === "workflow")?.runId;
  return { ended: view.finishReason !== undefined, workflowRunId };
}

/**
 * Where the reader looks when the run fails: the chat for a message sent (its reply, reasoning
 * included, answers the question typed there); for a workflow the section written last (stages
 * in order, a stage's analysis before its summary), or before anything was written, the reasoning
 * panel.
 */
export function errorPlace(view: ViewState): { panel: Panel; stage?: string } {
  const sent = view.kind === "chat" ||
    (view.kind === undefined && view.messages.at(-1)?.role === "user");
  if (sent) return { panel: "chat" };
  const chatLast = (section: { panel: Panel }) => (section.panel === "chat" ? 1 : 0);
  const last = [...view.sections.reasoning, ...view.sections.chat]
    .filter((section) => section.status !== "pending")
    .sort((a, b) => a.stageIndex - b.stageIndex || chatLast(a) - chatLast(b))
    .at(-1);
  return last ? { panel: last.panel, stage: last.stage } : { panel: "reasoning" };
}
