/**
 * What the reducer keeps, and the view derived from it. A reply of the current run is held once,
 * as its chat section's text: the view's messages are the conversation before the run followed
 * by those replies, derived on each change.
 */
import type { ChatMessage, Section, ViewState } from "./view-state.ts";

/** The view without its messages, plus the conversation before the current run. */
export interface StreamState extends Omit<ViewState, "messages"> {
  /** The conversation up to the current run, whose own replies are its chat sections. */
  history: ChatMessage[];
}

/** The state of a provider that has done nothing yet. */
export function initialStreamState(): StreamState {
  return {
    status: "idle",
    lastSeq: 0,
    plan: [],
    sections: { reasoning: [], chat: [] },
    earlier: [],
    history: [],
  };
}

/** The view that `state` shows: the conversation, with the current run's replies at its end. */
export function viewOf(state: StreamState): ViewState {
  const { history, ...view } = state;
  const replies = state.sections.chat.flatMap((section) =>
    section.status === "pending" ? [] : [replyOf(state, section, section.status)]
  );
  return { ...view, messages: replies.length === 0 ? history : [...history, ...replies] };
}

/** The view of a provider that has done nothing yet. */
export function initialViewState(): ViewState {
  return viewOf(initialStreamState());
}

/** A chat section as the assistant message `<runId>:<stage>`; a workflow's carries its title. */
function replyOf(
  state: StreamState,
  section: Section,
  status: ChatMessage["status"],
): ChatMessage {
  const message: ChatMessage = {
    id: `${state.runId}:${section.stage}`,
    role: "assistant",
    content: section.text,
    ...(section.tail ? { contentTail: section.tail } : {}),
    status,
    runId: state.runId,
  };
  if (state.kind === "workflow") message.title = section.title;
  return message;
}
