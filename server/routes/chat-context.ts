/**
 * What a chat reply is about: nothing, a catalog case, or a workflow run (`runId` in the chat
 * body), whose input and stage results the model then sees (DESIGN.md §9).
 */
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";
import type { ChatTurn, PromptMessage, StageText } from "../providers/provider.ts";
import { stageTexts } from "../results/run-result.ts";
import { chatMessages, type ChatSubject } from "../runs/chat-prompt.ts";
import type { Run } from "../runs/run.ts";

/** A chat's subject, resolved: the case it names, what its run records, and its prompt. */
export interface ChatContext {
  caseId?: string;
  spec: { aboutRunId?: string };
  prompt(history: ChatTurn[]): { messages: PromptMessage[]; about?: StageText[] };
}

/**
 * Resolves a chat's subject: `aboutRun`, already found and readable by the caller, or a catalog
 * case; 404 for an unknown case or a run that is not a workflow run.
 */
export function chatContext(
  ctx: AppContext,
  { caseId, aboutRun: run }: { caseId?: string; aboutRun?: Run },
): ChatContext {
  const fallback = ctx.workflows.default;
  if (run !== undefined) {
    if (run.info.kind !== "workflow") throw new HttpError(404, "not_found", "Run not found");
    const aboutRunId = run.info.id;
    const workflow = run.info.workflow === undefined
      ? undefined
      : ctx.workflows.get(run.info.workflow);
    const stages = stageTexts(run.info.plan, run.log.events);
    const subject: ChatSubject = {
      kind: "run",
      title: workflow?.title ?? run.info.workflow ?? "workflow",
      input: run.info.input ?? {},
      stages,
    };
    const runCase = run.info.caseId ?? caseId;
    return {
      ...(runCase === undefined ? {} : { caseId: runCase }),
      spec: { aboutRunId },
      prompt: (history) => ({
        messages: chatMessages(history, { system: (workflow ?? fallback).system, subject }),
        about: stages,
      }),
    };
  }
  const record = caseId === undefined ? undefined : ctx.cases.get(caseId);
  if (caseId !== undefined && !record) throw new HttpError(404, "not_found", "Case not found");
  const subject: ChatSubject | undefined = record && { kind: "case", record };
  return {
    ...(caseId === undefined ? {} : { caseId }),
    spec: {},
    prompt: (history) => ({
      messages: chatMessages(history, { system: fallback.system, ...(subject ? { subject } : {}) }),
    }),
  };
}
