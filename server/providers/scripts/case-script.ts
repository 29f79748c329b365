/** The shape of the scripted model's per-case texts. */

import type { ScriptStage } from "./script-stages.ts";

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
  stages: Record<ScriptStage, StageScript>;
  chat: ChatFacts;
}
