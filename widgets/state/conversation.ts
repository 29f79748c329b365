/**
 * The view as a conversation over runs: when a run gives way to the next piece of work, its
 * replies join the conversation and its reasoning stays beside them, so a follow-up never takes
 * away the workflow it is about. Pure.
 */
import type { StreamState } from "./stream-state.ts";
import { viewOf } from "./stream-state.ts";
import type { ChatMessage, EarlierRun, Section } from "./view-state.ts";

/** What stays in view of everything up to and including the current run. */
export function settled(state: StreamState): Pick<StreamState, "history" | "earlier"> {
  const messages = viewOf(state).messages;
  const { runId } = state;
  if (runId === undefined) return { history: messages, earlier: state.earlier };
  const reasoning = state.sections.reasoning.filter((section) => section.text !== "");
  const history = state.kind !== "chat" ? messages : messages.map((message) => {
    // A reply carries its reasoning, as a saved one does, so both read alike after a reload.
    const stage = message.runId === runId && message.id.slice(runId.length + 1);
    const thought = stage ? reasoning.find((section) => section.stage === stage) : undefined;
    return thought ? { ...message, reasoning: thought.text } : message;
  });
  const run: EarlierRun = { runId, kind: state.kind ?? "chat", sections: reasoning };
  const earlier = state.earlier.filter((entry) => entry.runId !== runId);
  return { history, earlier: reasoning.length === 0 ? earlier : [...earlier, run] };
}

/**
 * The saved conversation `messages` in place of the conversation shown: the workflow summaries
 * (which no conversation holds) stay first, and the saved replies' reasoning stays in view.
 */
export function withConversation(
  state: Pick<StreamState, "history" | "earlier">,
  messages: ChatMessage[],
): Pick<StreamState, "history" | "earlier"> {
  const replies = messages.flatMap((message): EarlierRun[] =>
    message.role === "assistant" && message.runId && message.reasoning
      ? [{ runId: message.runId, kind: "chat", sections: [savedReasoning(message.reasoning)] }]
      : []
  );
  return {
    history: [...state.history.filter((message) => message.title !== undefined), ...messages],
    earlier: [...state.earlier.filter((entry) => entry.kind === "workflow"), ...replies],
  };
}

/** A saved reply's reasoning as a finished section; its title is the panel's "Reasoning". */
function savedReasoning(text: string): Section {
  return {
    stage: "reply",
    panel: "reasoning",
    title: "",
    stageIndex: 0,
    stageCount: 1,
    status: "complete",
    text,
    chunkCount: 0,
  };
}
