/** Builders of valid StreamEvents for the widget tests: one run, seq counted for you. */
import type {
  ErrorCode,
  FinishReason,
  Panel,
  PlanEntry,
  StreamEvent,
} from "../../protocol/events.ts";

/** The run id the fixtures use. */
export const RUN = "run_aaaaaaaaaaaaaaaa";

/** A two-stage workflow plan: analysis to `reasoning`, summary to `chat`, per stage. */
export const WORKFLOW_PLAN: PlanEntry[] = [
  { stage: "initial", panel: "reasoning", title: "Initial assessment" },
  { stage: "initial", panel: "chat", title: "Initial assessment" },
  { stage: "plan", panel: "reasoning", title: "Plan" },
  { stage: "plan", panel: "chat", title: "Plan" },
];

/** Event builders for one run; each call takes the next seq. */
export function runEvents(runId = RUN) {
  let seq = 0;
  const base = (panel: Panel, stage: string) => ({
    runId,
    seq: ++seq,
    ts: 1000 + seq,
    panel,
    stage,
    content: "",
  });
  return {
    start(kind: "workflow" | "chat", stages: PlanEntry[], conversationId?: string): StreamEvent {
      const metadata = conversationId === undefined
        ? { kind, stages }
        : { kind, stages, conversation_id: conversationId };
      return { type: "run_start", ...base(stages[0].panel, stages[0].stage), metadata };
    },
    stageStart(
      panel: Panel,
      stage: string,
      index: number,
      count: number,
      title: string,
    ): StreamEvent {
      return {
        type: "stage_start",
        ...base(panel, stage),
        metadata: { stage_index: index, stage_count: count, title },
      };
    },
    chunk(panel: Panel, stage: string, content: string, index: number): StreamEvent {
      return {
        type: "content_chunk",
        ...base(panel, stage),
        content,
        metadata: { chunk_index: index },
      };
    },
    stageComplete(
      panel: Panel,
      stage: string,
      chunks: number,
      index: number,
      count: number,
    ): StreamEvent {
      return {
        type: "stage_complete",
        ...base(panel, stage),
        metadata: { chunk_count: chunks, stage_index: index, stage_count: count },
      };
    },
    error(code: ErrorCode, message: string, panel: Panel = "chat", stage = "initial"): StreamEvent {
      return {
        type: "error",
        ...base(panel, stage),
        content: message,
        metadata: { error_code: code, retry_available: true },
      };
    },
    done(
      reason: FinishReason,
      digest = { reasoning: "0".repeat(64), chat: "0".repeat(64) },
    ): StreamEvent {
      return {
        type: "stream_done",
        ...base("chat", "initial"),
        metadata: { finish_reason: reason, chunk_count: 0, digest },
      };
    },
  };
}

/** Applies events in order. */
export function applyAll<S>(
  state: S,
  events: StreamEvent[],
  reduce: (state: S, event: StreamEvent) => S,
): S {
  return events.reduce(reduce, state);
}
