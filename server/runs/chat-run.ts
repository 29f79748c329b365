/**
 * A chat reply: one stage, `reply`. The model's reasoning (if it emits any) streams to the
 * reasoning panel, the answer to the chat panel; the conversation so far goes to the model.
 */
import type { PlanEntry } from "../../protocol/events.ts";
import type { ChatTurn, PromptMessage, StageText } from "../providers/provider.ts";
import { pump, type Upstream } from "./drive.ts";
import type { LiveRun } from "./live-run.ts";

const REPLY = { index: 0, count: 1 } as const;

/** The plan of every chat run. */
export const CHAT_PLAN: PlanEntry[] = [
  { stage: "reply", panel: "reasoning", title: "Reasoning" },
  { stage: "reply", panel: "chat", title: "Reply" },
];

/**
 * Drives a chat run: reasoning first, then the answer. Thinking that comes after the answer has
 * begun reopens the reasoning section, so none of it is lost; the answer continues after it.
 */
export async function driveChat(
  run: LiveRun,
  upstream: Upstream,
  options: { history: ChatTurn[]; messages: PromptMessage[]; caseId?: string; about?: StageText[] },
): Promise<void> {
  const reasoning = () =>
    run.openStage("reasoning", "reply", { ...REPLY, title: CHAT_PLAN[0].title });
  const answer = () => {
    if (run.isOpen("reasoning")) run.closeStage("reasoning");
    if (!run.isOpen("chat")) {
      run.openStage("chat", "reply", { ...REPLY, title: CHAT_PLAN[1].title });
    }
  };
  reasoning();
  const reply = await pump(run, {
    purpose: "chat",
    stage: "reply",
    history: options.history,
    messages: options.messages,
    ...(options.caseId === undefined ? {} : { caseId: options.caseId }),
    ...(options.about === undefined ? {} : { about: options.about }),
  }, {
    upstream,
    routes: { reasoning: "reasoning", answer: "chat" },
    onChannel: (channel) => {
      if (channel === "answer") answer();
      else if (!run.isOpen("reasoning")) reasoning();
    },
  });
  if (!reply) return;
  answer();
  run.closeStage("chat");
  run.complete(reply.finish);
}
