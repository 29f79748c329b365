/** Clinician-safe messages for error codes: never upstream text, URLs, keys or stacks. */
import type { ErrorCode } from "../../protocol/events.ts";
import type { ProviderFailureDetail } from "../providers/provider.ts";

const MESSAGES: Record<ErrorCode, string> = {
  invalid_request: "The request is not valid",
  not_found: "Not found",
  rate_limited: "The model service is busy; please try again shortly",
  upstream_unavailable: "The model service could not be reached",
  upstream_timeout: "The model service stopped responding",
  upstream_error: "The model service returned an incomplete answer",
  stream_lost: "This stream is no longer available; please retry",
  streaming_disabled: "Streaming is turned off; the answer will arrive in one piece",
  overloaded: "The server is busy; please try again shortly",
  internal: "Something went wrong while preparing the answer",
  content_filtered: "The model service withheld the rest of this answer; it is incomplete",
  forbidden: "This request is not allowed",
  unauthorized: "Your sign-in has expired or is not valid; please sign in again",
};

/** Why a run ended when the server shut down under it (code `overloaded`). */
export const SHUTDOWN_MESSAGE = "The server shut down before the answer was complete; please retry";

/** Messages for upstream failures that a retry cannot fix. */
const DETAIL_MESSAGES: Record<ProviderFailureDetail, string> = {
  refused: "The model service refused the request",
  tool_calls: "The model asked to use tools, which this service does not offer",
};

/** The message shown for an error code, or for the detail of an upstream failure. */
export function errorMessage(code: ErrorCode, detail?: ProviderFailureDetail): string {
  return detail === undefined ? MESSAGES[code] : DETAIL_MESSAGES[detail];
}
