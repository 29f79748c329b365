/** Request bodies of the HTTP API (DESIGN.md §4). Unknown fields are rejected. */
import * as z from "zod/mini";
import { RunId } from "./events.ts";

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
  /** A workflow run the reply is about: the model sees its input and stage results. */
  runId: z.optional(RunId),
});
/** A chat request body. */
export type ChatRequest = z.infer<typeof ChatRequest>;

/** `POST /api/cases/:caseId/workflow/run`: the batch workflow; an empty object runs all stages. */
export const WorkflowRunRequest = z.strictObject({
  stage: z.optional(id),
});
/** A batch workflow request body. */
export type WorkflowRunRequest = z.infer<typeof WorkflowRunRequest>;

/** `POST /api/runs`, `/api/runs/stream`: a workflow over the caller's own input. */
export const RunRequest = z.strictObject({
  workflow: id,
  /** Checked against the workflow's input schema by the server. */
  input: z.record(z.string(), z.unknown()),
  /** Stage ids to run, in the workflow's order; all when absent. */
  stages: z.optional(z.array(id).check(z.minLength(1), z.maxLength(64))),
});
/** A run request body. */
export type RunRequest = z.infer<typeof RunRequest>;
