/** The clinical workflow's stages in order, with titles: one list for runs, routes, providers. */

/** The workflow's stages, in order, with their titles. */
export const WORKFLOW_STAGES = [
  { stage: "initial", title: "Initial assessment" },
  { stage: "extraction", title: "Data extraction" },
  { stage: "diagnosis", title: "Differential diagnosis" },
  { stage: "plan", title: "Management plan" },
] as const;

/** A workflow stage name. */
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number]["stage"];

/** Whether `name` is a workflow stage. */
export function isWorkflowStage(name: string): name is WorkflowStage {
  return WORKFLOW_STAGES.some((entry) => entry.stage === name);
}

/** The display title of a workflow stage. */
export function stageTitle(stage: WorkflowStage): string {
  return WORKFLOW_STAGES.find((entry) => entry.stage === stage)!.title;
}
