/**
 * How a run stands once it finished: the one mapping from a stream's finish reason to the status
 * of the run, of its saved message and of its sections, shared by the server and the elements.
 */
import { FinishReason } from "./events.ts";

/** The status of a finished run. */
export type FinishStatus = "complete" | "cancelled" | "error";

/** The status of a run that finished for `reason`: an answer cut at its length is still complete. */
export function finishStatus(reason: FinishReason): FinishStatus {
  switch (reason) {
    case "stop":
    case "length":
      return "complete";
    case "cancelled":
      return "cancelled";
    case "error":
      return "error";
  }
}

/**
 * The finish reason a stream reports for a run that ended with `status`: the first reason in the
 * wire's order that gives it ("stop" for complete). A run still going has not finished: it counts
 * as failed.
 */
export function finishReasonOf(status: FinishStatus | "running"): FinishReason {
  return FinishReason.options.find((reason) => finishStatus(reason) === status) ?? "error";
}
