/** One valid event of every type, for the protocol tests. */
import type { StreamEvent } from "../../protocol/events.ts";

/** A run id that matches the RunId pattern. */
export const RUN_ID = "run_0123456789abcdef";

const base = { runId: RUN_ID, ts: 1_700_000_000_000.5, panel: "chat", stage: "reply" } as const;
const HEX = "0123456789abcdef".repeat(4);

/** One valid event per type, keyed by type. */
export const SAMPLE_EVENTS: { [T in StreamEvent["type"]]: Extract<StreamEvent, { type: T }> } = {
  run_start: {
    type: "run_start",
    ...base,
    seq: 1,
    content: "",
    metadata: {
      kind: "chat",
      stages: [{ stage: "reply", panel: "chat", title: "Reply" }],
      conversation_id: "conv_1",
    },
  },
  stage_start: {
    type: "stage_start",
    ...base,
    seq: 2,
    content: "",
    metadata: { stage_index: 0, stage_count: 1, title: "Reply" },
  },
  content_chunk: {
    type: "content_chunk",
    ...base,
    seq: 3,
    content: "Hello",
    metadata: { chunk_index: 0 },
  },
  stage_complete: {
    type: "stage_complete",
    ...base,
    seq: 4,
    content: "",
    metadata: { chunk_count: 1, stage_index: 0, stage_count: 1 },
  },
  error: {
    type: "error",
    ...base,
    seq: 5,
    content: "The model is unavailable",
    metadata: { error_code: "upstream_unavailable", retry_available: true },
  },
  stream_done: {
    type: "stream_done",
    ...base,
    seq: 6,
    content: "",
    metadata: { finish_reason: "error", chunk_count: 1, digest: { reasoning: HEX, chat: HEX } },
  },
  heartbeat: { type: "heartbeat", runId: RUN_ID, ts: 1_700_000_000_001 },
};
