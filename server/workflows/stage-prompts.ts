/**
 * The messages of a workflow stage's completions. The workflow's `system` prompt is the system
 * message, fixed text only; the rendered templates, which carry the input and the model's own
 * earlier text, are `user` messages.
 */
import type { PromptMessage } from "../providers/provider.ts";
import type { Workflow, WorkflowStage } from "./definition.ts";
import { renderTemplate, type TemplateView } from "./templates.ts";

/** The system message of a workflow's requests, when it has a system prompt. */
export function systemMessages(workflow: Pick<Workflow, "system">): PromptMessage[] {
  return workflow.system === undefined ? [] : [{ role: "system", content: workflow.system }];
}

/** A stage's analysis request: the system prompt, then its rendered prompt. */
export function analysisMessages(
  workflow: Workflow,
  stage: WorkflowStage,
  view: TemplateView,
): PromptMessage[] {
  return [
    ...systemMessages(workflow),
    { role: "user", content: renderTemplate(stage.analysis.prompt, view) },
  ];
}

/** A stage's summary request: the analysis exchange, then the rendered summary prompt. */
export function summaryMessages(
  stage: WorkflowStage,
  view: TemplateView,
  { asked, analysis }: { asked: PromptMessage[]; analysis: string },
): PromptMessage[] {
  return [
    ...asked,
    { role: "assistant", content: analysis },
    { role: "user", content: renderTemplate(stage.summary!.prompt, view) },
  ];
}
