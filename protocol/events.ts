/**
 * The wire contract, v1: every StreamEvent as one zod schema, its type inferred under the same
 * name. Built on `zod/mini` so the widget bundle stays small; the server uses the same schemas.
 */
import * as z from "zod/mini";

/** Run ids: URL- and header-safe, at least 128 random bits when generated. */
export const RunId = z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/));
/** A run id. */
export type RunId = z.infer<typeof RunId>;

/** The two panels a run writes to. */
export const Panel = z.enum(["reasoning", "chat"]);
/** A panel name. */
export type Panel = z.infer<typeof Panel>;

/** The closed list of error codes (DESIGN.md §3). */
export const ErrorCode = z.enum([
  "invalid_request",
  "not_found",
  "rate_limited",
  "upstream_unavailable",
  "upstream_timeout",
  "upstream_error",
  "stream_lost",
  "streaming_disabled",
  "overloaded",
  "internal",
  "content_filtered",
  "forbidden",
  "unauthorized",
]);
/** An error code. */
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Why a run ended. */
export const FinishReason = z.enum(["stop", "cancelled", "error", "length"]);
/** A finish reason. */
export type FinishReason = z.infer<typeof FinishReason>;

/** One entry of a run's plan: which stage writes to which panel, in order. */
export const PlanEntry = z.object({ stage: z.string(), panel: Panel, title: z.string() });
/** A plan entry. */
export type PlanEntry = z.infer<typeof PlanEntry>;

/** Tokens the model read and wrote over a whole run, when the provider reports them. */
export const TokenUsage = z.object({
  inputTokens: z.int().check(z.minimum(0)),
  outputTokens: z.int().check(z.minimum(0)),
});
/** Token usage. */
export type TokenUsage = z.infer<typeof TokenUsage>;

const seq = z.int().check(z.minimum(0));
const index = z.int().check(z.minimum(0));
const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** Fields every non-heartbeat event carries. */
const common = {
  runId: RunId,
  seq,
  ts: z.number(),
  panel: Panel,
  stage: z.string(),
  content: z.string(),
};

/** First event of every run: the plan, for progress. */
export const RunStartEvent = z.object({
  type: z.literal("run_start"),
  ...common,
  metadata: z.object({
    kind: z.enum(["workflow", "chat"]),
    stages: z.array(PlanEntry),
    case_id: z.optional(z.string()),
    conversation_id: z.optional(z.string()),
  }),
});

/** A stage begins producing for a panel. */
export const StageStartEvent = z.object({
  type: z.literal("stage_start"),
  ...common,
  metadata: z.object({ stage_index: index, stage_count: index, title: z.string() }),
});

/** Word-level text: 1–10 characters. */
export const ContentChunkEvent = z.object({
  type: z.literal("content_chunk"),
  ...common,
  metadata: z.object({ chunk_index: index, total_expected: z.optional(index) }),
});

/** A stage finished for a panel. */
export const StageCompleteEvent = z.object({
  type: z.literal("stage_complete"),
  ...common,
  metadata: z.object({ chunk_count: index, stage_index: index, stage_count: index }),
});

/** The run failed; partial content stays valid. `content` is a clinician-safe message. */
export const ErrorEvent = z.object({
  type: z.literal("error"),
  ...common,
  metadata: z.object({ error_code: ErrorCode, retry_available: z.boolean() }),
});

/** Last event of every run, always. */
export const StreamDoneEvent = z.object({
  type: z.literal("stream_done"),
  ...common,
  metadata: z.object({
    finish_reason: FinishReason,
    chunk_count: index,
    digest: z.object({ reasoning: hex64, chat: hex64 }),
    usage: z.optional(TokenUsage),
  }),
});

/** Liveness; carries no id and does not move the resume cursor. */
export const HeartbeatEvent = z.object({
  type: z.literal("heartbeat"),
  runId: RunId,
  ts: z.number(),
});

/** Any event of the unified stream format. */
export const StreamEvent = z.discriminatedUnion("type", [
  RunStartEvent,
  StageStartEvent,
  ContentChunkEvent,
  StageCompleteEvent,
  ErrorEvent,
  StreamDoneEvent,
  HeartbeatEvent,
]);

/** First event of every run. */
export type RunStartEvent = z.infer<typeof RunStartEvent>;
/** A stage begins for a panel. */
export type StageStartEvent = z.infer<typeof StageStartEvent>;
/** Word-level text. */
export type ContentChunkEvent = z.infer<typeof ContentChunkEvent>;
/** A stage finished for a panel. */
export type StageCompleteEvent = z.infer<typeof StageCompleteEvent>;
/** The run failed. */
export type ErrorEvent = z.infer<typeof ErrorEvent>;
/** Last event of every run. */
export type StreamDoneEvent = z.infer<typeof StreamDoneEvent>;
/** Liveness. */
export type HeartbeatEvent = z.infer<typeof HeartbeatEvent>;
/** Any event of the unified stream format. */
export type StreamEvent = z.infer<typeof StreamEvent>;
/** Every event that has a seq (all but heartbeats). */
export type SequencedEvent = Exclude<StreamEvent, HeartbeatEvent>;
/** Event type names. */
export type StreamEventType = StreamEvent["type"];

/** The resume cursor `<runId>.<seq>` carried in SSE ids and `Last-Event-ID`. */
export const CURSOR_PATTERN = /^([A-Za-z0-9_-]{16,64})\.(0|[1-9][0-9]{0,15})$/;

/** Formats a resume cursor. */
export function formatCursor(runId: string, seq: number): string {
  return `${runId}.${seq}`;
}

/** Parses a resume cursor; `undefined` when malformed or the seq is not a safe integer. */
export function parseCursor(cursor: string): { runId: string; seq: number } | undefined {
  const match = CURSOR_PATTERN.exec(cursor);
  if (!match) return undefined;
  const seqValue = Number(match[2]);
  return Number.isSafeInteger(seqValue) ? { runId: match[1], seq: seqValue } : undefined;
}
