/** The shape of the scripted model's per-case texts. */

/** The demo workflow's stages, in order. */
export const WORKFLOW_STAGES = ["initial", "extraction", "diagnosis", "plan"] as const;
/** A demo workflow stage. */
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number];

/** One stage's texts: the detailed markdown analysis and the short conversational summary. */
export interface StageScript {
  analysis: string;
  summary: string;
}

/** Case-specific facts the chat replies are composed from. */
export interface ChatFacts {
  leading: string;
  differentials: string[];
  nextSteps: string[];
  disposition: string;
  medicationNote: string;
  labNote: string;
}

/** Everything the scripted model says about one case. */
export interface CaseScript {
  stages: Record<WorkflowStage, StageScript>;
  chat: ChatFacts;
}
