/**
 * The batch endpoints' answer (`POST …/workflow/run`, `POST /api/chat`): the finished run's text
 * per stage and panel, and the server's digest of it. It is replayed into the reducer as the
 * events a stream would have carried, so a batch result renders, and verifies, exactly as the
 * streamed run does. Pure.
 */
import * as z from "zod/mini";
import { ErrorCode, type Panel, type PlanEntry, type StreamEvent } from "../../protocol/events.ts";
import { finishReasonOf } from "../../protocol/finish-status.ts";
import { NO_DIGEST } from "../integrity.ts";
import { stageNames } from "../state/sections.ts";

const panels = z.object({ reasoning: z.string(), chat: z.string() });
const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** What both batch endpoints answer; a workflow adds its stages, a chat its conversation. */
export const BatchResult = z.object({
  runId: z.string(),
  kind: z.enum(["workflow", "chat"]),
  status: z.enum(["running", "complete", "cancelled", "error"]),
  panels,
  error: z.optional(z.object({ code: ErrorCode, message: z.string() })),
  conversationId: z.optional(z.string()),
  stages: z.optional(z.array(z.object({ stage: z.string(), title: z.string(), ...panels.shape }))),
  /** The server's SHA-256 of each panel's text, as `stream_done` carries it. */
  digest: z.optional(z.object({ reasoning: hex64, chat: hex64 })),
});
/** A batch result. */
export type BatchResult = z.infer<typeof BatchResult>;

/** A chat run's plan, as the server announces it in `run_start`. */
const CHAT_STAGE = { stage: "reply", reasoning: "Reasoning", chat: "Reply" };

/**
 * The events that stream the finished run `result`. Its `stream_done` carries the server's digest,
 * or, from a server that sent none, a digest no text has, so the replay cannot verify.
 */
export function batchEvents(result: BatchResult, { now }: { now: number }): StreamEvent[] {
  const sections = result.stages
    ? result.stages.flatMap((stage) =>
      (["reasoning", "chat"] as const).map((panel) => ({
        stage: stage.stage,
        panel,
        title: stage.title,
        text: stage[panel],
      }))
    )
    : (["reasoning", "chat"] as const).map((panel) => ({
      stage: CHAT_STAGE.stage,
      panel,
      title: CHAT_STAGE[panel],
      text: result.panels[panel],
    }));
  const plan: PlanEntry[] = sections.map(({ stage, panel, title }) => ({ stage, panel, title }));
  const stages = stageNames(plan);
  const written = sections.filter((section) => section.text !== "");
  const events: StreamEvent[] = [];
  const common = (panel: Panel, stage: string) => ({
    runId: result.runId,
    seq: events.length + 1,
    ts: now,
    panel,
    stage,
    content: "",
  });
  events.push({
    type: "run_start",
    ...common(plan[0]?.panel ?? "chat", plan[0]?.stage ?? ""),
    metadata: {
      kind: result.kind,
      stages: plan,
      ...(result.conversationId === undefined ? {} : { conversation_id: result.conversationId }),
    },
  });
  for (const [i, section] of written.entries()) {
    const position = {
      stage_index: stages.indexOf(section.stage),
      stage_count: stages.length,
    };
    events.push({
      type: "stage_start",
      ...common(section.panel, section.stage),
      metadata: { ...position, title: section.title },
    });
    events.push({
      type: "content_chunk",
      ...common(section.panel, section.stage),
      content: section.text,
      metadata: { chunk_index: 0 },
    });
    // The last section of a run that did not complete was interrupted, as it would have streamed.
    if (result.status !== "complete" && i === written.length - 1) continue;
    events.push({
      type: "stage_complete",
      ...common(section.panel, section.stage),
      metadata: { chunk_count: 1, ...position },
    });
  }
  const last = written.at(-1) ?? { panel: "chat" as const, stage: plan[0]?.stage ?? "" };
  if (result.status === "error" || result.status === "running") {
    events.push({
      type: "error",
      ...common(last.panel, last.stage),
      // No words from the server: the elements' strings word the error by its code.
      content: result.error?.message ?? "",
      metadata: { error_code: result.error?.code ?? "internal", retry_available: true },
    });
  }
  events.push({
    type: "stream_done",
    ...common(last.panel, last.stage),
    metadata: {
      finish_reason: finishReasonOf(result.status),
      chunk_count: written.length,
      digest: result.digest ?? NO_DIGEST,
    },
  });
  return events;
}
