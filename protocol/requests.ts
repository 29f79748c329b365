/** Request bodies of the HTTP API (DESIGN.md §4). Unknown fields are rejected. */
import * as z from "zod/mini";

/**
 * Upper bound the schema itself enforces, well above any `MAX_MESSAGE_CHARS` (at most 100,000):
 * a message over the configured limit is answered by that check, with 413.
 */
const HARD_MESSAGE_LIMIT = 1_000_000;
const id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/));

/** `POST /api/chat/messages`, `/api/chat/stream`, `/api/chat`. */
export const ChatRequest = z.strictObject({
  conversationId: z.optional(id),
  message: z.string().check(z.minLength(1), z.maxLength(HARD_MESSAGE_LIMIT)),
  caseId: z.optional(id),
});
/** A chat request body. */
export type ChatRequest = z.infer<typeof ChatRequest>;

/** `POST /api/cases/:caseId/workflow/run`: the batch workflow; an empty object runs all stages. */
export const WorkflowRunRequest = z.strictObject({
  stage: z.optional(id),
});
/** A batch workflow request body. */
export type WorkflowRunRequest = z.infer<typeof WorkflowRunRequest>;
