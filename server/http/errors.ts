/** JSON errors of DESIGN.md §4: `{"error":{"code","message","issues"?}}` with the right status. */
import type { ApiError, ApiIssue } from "../../protocol/api-error.ts";
import type { ErrorCode } from "../../protocol/events.ts";

/** Statuses the API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 429 | 503;

/** An error an endpoint answers with; thrown by helpers, turned into JSON by the app. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: ApiIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** The JSON response for an HttpError. */
export function errorResponse(error: HttpError): Response {
  const body: ApiError = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.extra.issues ? { issues: error.extra.issues } : {}),
    },
  };
  return Response.json(body, { status: error.status, headers: error.extra.headers });
}
