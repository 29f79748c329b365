/**
 * What happens to the view besides the run's events: a message sent, the connection's status, a
 * failure outside the stream, a saved conversation, a recovery, a cancel, the digest check. Pure.
 */
import type { Access } from "../../protocol/access.ts";
import type { FinishReason } from "../../protocol/events.ts";
import { finishStatus } from "../../protocol/finish-status.ts";
import { endRun, failRun } from "./run-end.ts";
import { settled, withConversation } from "./conversation.ts";
import { initialStreamState, type StreamState } from "./stream-state.ts";
import type { ChatMessage, StreamStatus, TransportName, ViewError } from "./view-state.ts";

/** The clinician sent a message: it shows at once, before the server has answered. */
export function userMessageSent(
  state: StreamState,
  message: { id: string; content: string },
): StreamState {
  const sent: ChatMessage = {
    id: message.id,
    role: "user",
    content: message.content,
    status: "complete",
  };
  return { ...state, history: [...state.history, sent] };
}

/** The connection moved to a new status (connecting, reconnecting, streaming …). */
export function statusChanged(state: StreamState, status: StreamStatus): StreamState {
  return state.status === status ? state : { ...state, status };
}

/** The connection failed for good: partial content stays, marked as interrupted by an error. */
export function connectionFailed(state: StreamState, error: ViewError): StreamState {
  return failRun(state, error);
}

/**
 * A conversation's saved messages arrived (after a reload): they replace the local ones, after the
 * run shown so far (the workflow they follow up on), which steps back beside them.
 */
export function historyLoaded(
  state: StreamState,
  saved: { conversationId: string; messages: ChatMessage[] },
): StreamState {
  return {
    ...state,
    ...withConversation(settled(state), saved.messages),
    conversationId: saved.conversationId,
    plan: [],
    sections: { reasoning: [], chat: [] },
  };
}

/** How a chat run the stream could not show ended on the server, and its saved conversation. */
export interface RunRecovery {
  conversationId: string;
  messages: ChatMessage[];
  finishReason: FinishReason;
  /** Why the run failed, when it did. */
  error?: ViewError;
}

/**
 * A chat run whose stream was lost ended on the server: its sections close as the run did, a
 * reasoning section takes the saved reply's reasoning, and the saved messages, the reply among
 * them, replace the local ones and the stream's partial reply.
 */
export function runRecovered(state: StreamState, recovery: RunRecovery): StreamState {
  const ended = endRun(
    recovery.error ? { ...state, error: recovery.error } : state,
    recovery.finishReason,
  );
  const saved = recovery.messages.findLast((message) =>
    message.role === "assistant" && message.runId === state.runId
  );
  const reasoning = saved?.reasoning === undefined
    ? ended.sections.reasoning
    // A chat run has one stage: the saved reasoning is its whole reasoning text.
    : ended.sections.reasoning.map(({ tail: _replaced, ...section }) => ({
      ...section,
      text: saved.reasoning!,
      status: finishStatus(recovery.finishReason),
    }));
  return {
    ...ended,
    ...withConversation(ended, recovery.messages),
    conversationId: recovery.conversationId,
    sections: { reasoning, chat: [] },
  };
}

/** The work was dropped before its run was known: what it showed ends as cancelled. */
export function runCancelled(state: StreamState): StreamState {
  return endRun(state, "cancelled");
}

/** The chat run's conversation is known (the server created or continued it). */
export function conversationJoined(state: StreamState, conversationId: string): StreamState {
  return state.conversationId === conversationId ? state : { ...state, conversationId };
}

/** The result of `stream_done`'s digest check. */
export function integrityChecked(state: StreamState, verified: boolean): StreamState {
  return state.verified === verified ? state : { ...state, verified };
}

/** A new piece of work begins: the previous run steps back into the conversation shown. */
export function workStarted(state: StreamState): StreamState {
  return {
    ...initialStreamState(),
    ...settled(state),
    status: "connecting",
    conversationId: state.conversationId,
    // The new work's connection may have begun, and reported its transport, already.
    ...(state.transport ? { transport: state.transport } : {}),
  };
}

/** The connection now carries the work over `transport`. */
export function transportChanged(state: StreamState, transport: TransportName): StreamState {
  return state.transport === transport ? state : { ...state, transport };
}

/** The server reported the caller's access to the run (identity on), or nothing (`undefined`). */
export function accessReported(state: StreamState, access: Access | undefined): StreamState {
  if (state.access === access) return state;
  const { access: _, ...rest } = state;
  return access === undefined ? rest : { ...rest, access };
}
