/**
 * A workflow run: for each stage, the analysis streams to the reasoning panel, then its optional
 * summary to the chat panel (DESIGN.md §4, §9). Prompts are the workflow's templates rendered over
 * the input and what the earlier stages wrote.
 */
import type { PlanEntry } from "../../protocol/events.ts";
import type { Workflow, WorkflowStage } from "../workflows/definition.ts";
import { analysisMessages, summaryMessages } from "../workflows/stage-prompts.ts";
import type { TemplateView } from "../workflows/templates.ts";
import { pump, type Upstream } from "./drive.ts";
import type { LiveRun } from "./live-run.ts";

/** What a workflow run runs: which stages of which workflow over which input. */
export interface WorkflowWork {
  workflow: Workflow;
  /** In the workflow's order. */
  stages: readonly WorkflowStage[];
  input: Record<string, unknown>;
  /** A catalog case the input is (the scripted model has texts for the demo's). */
  caseId?: string;
}

/** The plan of a run over `stages`: each stage's reasoning, then its chat summary if it has one. */
export function workflowPlan(stages: readonly WorkflowStage[]): PlanEntry[] {
  return stages.flatMap(({ id: stage, title, summary }): PlanEntry[] =>
    summary
      ? [{ stage, panel: "reasoning", title }, { stage, panel: "chat", title }]
      : [{ stage, panel: "reasoning", title }]
  );
}

/** Drives a workflow run over its stages; ends the run when all are done. */
export async function driveWorkflow(
  run: LiveRun,
  upstream: Upstream,
  { workflow, stages, input, caseId }: WorkflowWork,
): Promise<void> {
  const view: TemplateView = { input, stages: {} };
  const common = { history: [], ...(caseId === undefined ? {} : { caseId }) };
  let truncated = false;
  for (const [index, stage] of stages.entries()) {
    const position = { index, count: stages.length, title: stage.title };
    run.openStage("reasoning", stage.id, position);
    const asked = analysisMessages(workflow, stage, view);
    const analysis = await pump(run, {
      ...common,
      ...settingsOf(stage.analysis),
      purpose: "analysis",
      stage: stage.id,
      messages: asked,
    }, { upstream, routes: { reasoning: "reasoning", answer: "reasoning" } });
    if (!analysis) return;
    run.closeStage("reasoning");
    view.stages[stage.id] = { analysis: analysis.answer };
    truncated ||= analysis.finish === "length";
    if (!stage.summary) continue;
    run.openStage("chat", stage.id, position);
    // The summary's own thinking is not shown: its stage's reasoning section is already closed.
    const summary = await pump(run, {
      ...common,
      ...settingsOf(stage.summary),
      purpose: "summary",
      stage: stage.id,
      analysis: analysis.answer,
      messages: summaryMessages(stage, view, { asked, analysis: analysis.answer }),
    }, { upstream, routes: { answer: "chat" } });
    if (!summary) return;
    run.closeStage("chat");
    view.stages[stage.id].summary = summary.answer;
    truncated ||= summary.finish === "length";
  }
  run.complete(truncated ? "length" : "stop");
}

/** A step's model settings, as a completion request carries them. */
function settingsOf(step: WorkflowStage["analysis"]) {
  return {
    ...(step.model === undefined ? {} : { model: step.model }),
    ...(step.temperature === undefined ? {} : { temperature: step.temperature }),
    ...(step.maxTokens === undefined ? {} : { maxTokens: step.maxTokens }),
  };
}
