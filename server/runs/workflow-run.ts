/**
 * The clinical workflow: for each stage, the detailed analysis streams to the reasoning panel,
 * then a conversational summary of it to the chat panel (DESIGN.md §4).
 */
import type { PlanEntry } from "../../protocol/events.ts";
import { stageTitle, type WorkflowStage } from "../cases/workflow-stages.ts";
import { pump, type Upstream } from "./drive.ts";
import type { LiveRun } from "./live-run.ts";

/** The plan of a workflow run over `stages`: each stage's reasoning, then its chat summary. */
export function workflowPlan(stages: readonly WorkflowStage[]): PlanEntry[] {
  return stages.flatMap((stage) => {
    const title = stageTitle(stage);
    return [{ stage, panel: "reasoning", title }, { stage, panel: "chat", title }] as PlanEntry[];
  });
}

/** Drives a workflow run over its planned stages; ends the run when all are done. */
export async function driveWorkflow(
  run: LiveRun,
  upstream: Upstream,
  options: { caseId: string; stages: readonly WorkflowStage[] },
): Promise<void> {
  const { caseId, stages } = options;
  let truncated = false;
  for (const [index, stage] of stages.entries()) {
    const position = { index, count: stages.length, title: stageTitle(stage) };
    run.openStage("reasoning", stage, position);
    const analysis = await pump(run, {
      purpose: "analysis",
      stage,
      caseId,
      history: [],
    }, { upstream, routes: { reasoning: "reasoning", answer: "reasoning" } });
    if (!analysis) return;
    run.closeStage("reasoning");
    run.openStage("chat", stage, position);
    // The summary's own thinking is not shown: its stage's reasoning section is already closed.
    const summary = await pump(run, {
      purpose: "summary",
      stage,
      caseId,
      history: [],
      analysis: analysis.answer,
    }, { upstream, routes: { answer: "chat" } });
    if (!summary) return;
    run.closeStage("chat");
    truncated ||= analysis.finish === "length" || summary.finish === "length";
  }
  run.complete(truncated ? "length" : "stop");
}
