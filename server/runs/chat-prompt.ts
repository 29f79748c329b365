/**
 * The messages of a chat reply. The system message is the workflow's fixed system prompt only;
 * the case record, a run's results and everything the user typed go in `user` messages.
 */
import type { ChatTurn, PromptMessage, StageText } from "../providers/provider.ts";

/** What a chat reply is about: a case record, or a workflow run's input and results. */
export type ChatSubject =
  | { kind: "case"; record: Readonly<Record<string, unknown>> }
  | { kind: "run"; title: string; input: Readonly<Record<string, unknown>>; stages: StageText[] };

/** The system prompt, then the subject as reference data, then the conversation. */
export function chatMessages(
  history: readonly ChatTurn[],
  { system, subject }: { system?: string; subject?: ChatSubject },
): PromptMessage[] {
  return [
    ...(system === undefined ? [] : [{ role: "system" as const, content: system }]),
    ...(subject === undefined ? [] : [{ role: "user" as const, content: subjectText(subject) }]),
    ...history.map((turn) => ({ role: turn.role, content: turn.content })),
  ];
}

/** The subject as Markdown reference data for the model. */
export function subjectText(subject: ChatSubject): string {
  switch (subject.kind) {
    case "case":
      return `# Case record (reference data)\n\n${json(subject.record)}`;
    case "run":
      return [
        `# Results of the workflow "${subject.title}" (reference data for the questions that follow)`,
        `## Input\n\n${json(subject.input)}`,
        ...subject.stages.map((stage) =>
          [
            `## Stage: ${stage.title}`,
            `### Analysis\n\n${stage.analysis}`,
            ...(stage.summary === "" ? [] : [`### Summary\n\n${stage.summary}`]),
          ].join("\n\n")
        ),
      ].join("\n\n");
  }
}

function json(value: unknown): string {
  return "```json\n" + JSON.stringify(value, null, 2) + "\n```";
}
