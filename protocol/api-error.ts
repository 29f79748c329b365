/** The JSON error body every endpoint answers with (DESIGN.md §4). */
import * as z from "zod/mini";
import { ErrorCode } from "./events.ts";

/** One validation issue, as reported to clients: where and what, never the offending value. */
export const ApiIssue = z.object({ path: z.string(), code: z.string() });
/** A validation issue. */
export type ApiIssue = z.infer<typeof ApiIssue>;

/** `{"error":{"code","message","issues"?}}`. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.optional(z.array(ApiIssue)),
  }),
});
/** An error response body. */
export type ApiError = z.infer<typeof ApiError>;
