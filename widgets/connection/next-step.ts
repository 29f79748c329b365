/** What the controller does after a connection ended without `stream_done`. Pure. */
import type { ViewError } from "../state/view-state.ts";
import type { ConnectionSettings } from "./connection-types.ts";
import { isRetryable, type JsonOutcome, type Refusal } from "./http.ts";
import type { StreamOutcome } from "./transport.ts";

/** The next step: reconnect later, ask the health endpoint why, fall back, or give up. */
export type NextStep =
  | { type: "retry"; floorMs?: number }
  | { type: "probe" }
  | { type: "fall-back" }
  | { type: "fail"; error: ViewError };

/**
 * The step after `outcome`. An EventSource cannot read the status of a refused connection, so its
 * failure asks the health endpoint first.
 */
export function stepAfter(
  outcome: StreamOutcome,
  transport: ConnectionSettings["transport"],
): NextStep {
  switch (outcome.type) {
    case "ended":
    case "aborted":
      return { type: "retry" };
    case "failed":
      return transport === "eventsource" ? { type: "probe" } : { type: "retry" };
    case "refused":
      return stepAfterRefusal(outcome);
  }
}

/**
 * Disabled streaming falls back at once; 408, 429 and 5xx retry; any other refusal is final. A
 * long-poll's `stream_lost` means what the in-band one of SSE does: starting again may help.
 */
export function stepAfterRefusal(refusal: Refusal): NextStep {
  if (refusal.code === "streaming_disabled") return { type: "fall-back" };
  if (isRetryable(refusal)) return { type: "retry", floorMs: refusal.retryAfterMs };
  return {
    type: "fail",
    error: {
      code: refusal.code ?? (refusal.status === 404 ? "not_found" : "invalid_request"),
      message: refusal.message,
      retryAvailable: refusal.code === "stream_lost",
      ...(refusal.request ? { request: refusal.request } : {}),
    },
  };
}

/** The health endpoint's answer: streaming turned off means fall back now, else try again. */
export function stepAfterHealth(health: JsonOutcome): NextStep {
  const disabled = health.type === "ok" &&
    (health.body as { streaming?: unknown }).streaming === false;
  return disabled ? { type: "fall-back" } : { type: "retry" };
}
