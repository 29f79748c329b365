/** The scripted model's full output for a request: what the paced stream concatenates to. */
import { getCase } from "../cases/cases.ts";
import type { CompletionRequest } from "./provider.ts";
import { chatReply } from "./scripted-chat.ts";
import { followUpReply } from "./scripted-followup.ts";
import { scriptedRecap } from "./scripted-recap.ts";
import { caseScript } from "./scripts/case-scripts.ts";
import { isScriptStage } from "./scripts/script-stages.ts";

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
      const followUp = request.about && followUpReply(message, request.about);
      return followUp ??
        chatReply(message, clinicalCase && script && { clinicalCase, facts: script.chat });
    }
    case "recap":
      return { reasoning: "", answer: scriptedRecap(request) };
    case "analysis":
    case "summary": {
      const stage = request.stage;
      if (!script || !isScriptStage(stage)) return unscripted(request);
      return { reasoning: "", answer: script.stages[stage][request.purpose] };
    }
  }
}

/**
 * A stage the scripted model has no script for (another workflow, or a case of the caller's own):
 * it restates the start of its prompt, so the text still follows the input.
 */
function unscripted(request: ScriptedTextRequest): ScriptedText {
  const prompt = request.messages.findLast((message) => message.role === "user")?.content ?? "";
  const words = prompt.split(/\s+/).filter((word) => word !== "").length;
  if (request.purpose === "summary") {
    return {
      reasoning: "",
      answer:
        `The offline model read the \`${request.stage}\` analysis (${words} words of instructions); with a real model configured, its summary appears here.`,
    };
  }
  const quoted = prompt.split("\n").map((line) => line.trim()).filter((line) => line !== "")
    .slice(0, 6).map((line) => `> ${line}`);
  return {
    reasoning: "",
    answer: [
      `## Stage \`${request.stage}\``,
      "",
      `The offline scripted model has no script for this stage, so it restates the start of its prompt (${words} words):`,
      "",
      ...quoted,
      "",
    ].join("\n"),
  };
}
