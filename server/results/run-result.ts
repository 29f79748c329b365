/**
 * A run's result (DESIGN.md §9): per-stage texts, the chat reply, digest, usage and times, read
 * from its event log, so it is exactly what was streamed. `GET /api/runs/:runId/result` answers
 * it and the webhook carries it.
 */
import type { SequencedEvent, TokenUsage } from "../../protocol/events.ts";
import type { StageText } from "../providers/provider.ts";
import { digestOf } from "../runs/digest.ts";
import type { Run } from "../runs/run.ts";

/** The result as JSON. */
export interface RunResult {
  runId: string;
  workflow: string | null;
  status: Run["status"];
  finishReason: string | null;
  stages: StageText[];
  chat?: { reasoning: string; answer: string };
  digest: { reasoning: string; chat: string };
  /** `null` when the provider reported no usage. */
  usage: TokenUsage | null;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | null;
}

/** The result of a run, as it stands. */
export function runResultOf(run: Run): RunResult {
  const events = run.log.events;
  const done = events.findLast((event) => event.type === "stream_done");
  const end = done?.type === "stream_done" ? done : undefined;
  return {
    runId: run.info.id,
    workflow: run.info.workflow ?? null,
    status: run.status,
    finishReason: end?.metadata.finish_reason ?? null,
    stages: run.info.kind === "workflow" ? stageTexts(run.info.plan, events) : [],
    ...(run.info.kind === "chat"
      ? { chat: { reasoning: run.log.panels.reasoning, answer: run.log.panels.chat } }
      : {}),
    digest: digestOf(run.log.panels),
    usage: end?.metadata.usage ?? null,
    // The times the stream showed: its first event and its last.
    startedAt: events[0]?.ts ?? run.info.createdAt,
    endedAt: end?.ts ?? null,
  };
}

/** Each planned stage's text: its reasoning-panel text is the analysis, its chat text the summary. */
export function stageTexts(
  plan: Run["info"]["plan"],
  events: readonly SequencedEvent[],
): StageText[] {
  const stages = new Map<string, StageText>();
  for (const entry of plan) {
    if (!stages.has(entry.stage)) {
      stages.set(entry.stage, { id: entry.stage, title: entry.title, analysis: "", summary: "" });
    }
  }
  for (const event of events) {
    const stage = event.type === "content_chunk" ? stages.get(event.stage) : undefined;
    if (!stage) continue;
    if (event.panel === "reasoning") stage.analysis += event.content;
    else stage.summary += event.content;
  }
  return [...stages.values()];
}
