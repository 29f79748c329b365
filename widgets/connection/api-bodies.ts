/**
 * The JSON answers the elements read (DESIGN.md §4), validated once where they arrive. Only the
 * fields the elements use are named; the rest passes through unread.
 */
import * as z from "zod/mini";
import { ErrorCode } from "../../protocol/events.ts";
import type { ChatMessage } from "../state/view-state.ts";
import type { JsonOutcome } from "./http.ts";

/** `201` of `POST /api/chat/messages`. */
export const ChatStarted = z.object({
  conversationId: z.string(),
  runId: z.string(),
  streamUrl: z.string(),
  cancelUrl: z.string(),
});
/** A started chat run. */
export type ChatStarted = z.infer<typeof ChatStarted>;

/** The started chat run an answer holds, or `undefined` for a failure or a malformed body. */
export function chatStartedOf(outcome: JsonOutcome): ChatStarted | undefined {
  const started = outcome.type === "ok" ? ChatStarted.safeParse(outcome.body) : undefined;
  return started?.success ? started.data : undefined;
}

/** `GET /api/conversations/:id`. */
export const Conversation = z.object({
  id: z.string(),
  messages: z.array(z.object({
    id: z.string(),
    role: z.enum(["user", "assistant"]),
    content: z.string(),
    reasoning: z.optional(z.nullable(z.string())),
    status: z.string(),
    runId: z.optional(z.nullable(z.string())),
  })),
});
/** A saved conversation. */
export type Conversation = z.infer<typeof Conversation>;

/** `GET /api/runs/:runId`: the status probe. */
export const RunSummary = z.object({
  runId: z.string(),
  status: z.enum(["running", "complete", "cancelled", "error"]),
  error: z.optional(z.object({ code: ErrorCode, message: z.string() })),
});
/** A run's status. */
export type RunSummary = z.infer<typeof RunSummary>;

/** A saved conversation as the view shows it, read from `GET /api/conversations/:id`. */
export interface SavedConversation {
  conversationId: string;
  messages: ChatMessage[];
}

/** The saved conversation an answer holds, or `undefined` for a failure or a malformed body. */
export function conversationOf(outcome: JsonOutcome | undefined): SavedConversation | undefined {
  const conversation = outcome?.type === "ok" ? Conversation.safeParse(outcome.body) : undefined;
  return conversation?.success
    ? { conversationId: conversation.data.id, messages: messagesOf(conversation.data) }
    : undefined;
}

/** A saved conversation as the view shows it. */
export function messagesOf(conversation: Conversation): ChatMessage[] {
  return conversation.messages.map((saved) => {
    const message: ChatMessage = {
      id: saved.id,
      role: saved.role,
      content: saved.content,
      status: savedStatus(saved.status),
    };
    if (saved.runId) message.runId = saved.runId;
    if (saved.reasoning) message.reasoning = saved.reasoning;
    return message;
  });
}

function savedStatus(status: string): ChatMessage["status"] {
  return status === "cancelled" || status === "error" ? status : "complete";
}
