/** The scripted model's full output for a request: what the paced stream concatenates to. */
import { getCase } from "../cases/cases.ts";
import type { CompletionRequest } from "./provider.ts";
import { chatReply } from "./scripted-chat.ts";
import { caseScript } from "./scripts/case-scripts.ts";
import { isWorkflowStage } from "../cases/workflow-stages.ts";

/** A request without its signal: all the scripted text depends on. */
export type ScriptedTextRequest = Omit<CompletionRequest, "signal">;

/** The text per channel; workflow texts have no reasoning. */
export interface ScriptedText {
  reasoning: string;
  answer: string;
}

/** The exact text the scripted model produces for a request. */
export function scriptedText(request: ScriptedTextRequest): ScriptedText {
  const clinicalCase = request.caseId === undefined ? undefined : getCase(request.caseId);
  const script = clinicalCase && caseScript(clinicalCase.id);
  switch (request.purpose) {
    case "chat": {
      const last = request.history.at(-1);
      const message = last?.role === "user" ? last.content : "";
      return chatReply(message, clinicalCase && script && { clinicalCase, facts: script.chat });
    }
    case "analysis":
    case "summary": {
      const stage = request.stage;
      if (!script || !isWorkflowStage(stage)) {
        return {
          reasoning: "",
          answer: request.purpose === "analysis"
            ? "## No case data\n\nThere is no case record for this request, so there is nothing to analyse. Select one of the demo cases to see the analysis."
            : "There's no case record for this request, so I have nothing to summarise yet.",
        };
      }
      return { reasoning: "", answer: script.stages[stage][request.purpose] };
    }
  }
}
