/**
 * A recorded run and the answers a server derives from it: the text per panel, the run's end after
 * a failure, a cancel or a loss, the batch answer and the status probe — each worded and shaped as
 * the real server words and shapes it, so the elements cannot tell the difference. Pure, except for
 * WebCrypto's SHA-256.
 */
import type { ErrorCode, Panel, SequencedEvent } from "../../protocol/events.ts";
import { panelDigest } from "../integrity.ts";

/** A run as the server logs it: its events in seq order, from `run_start` to `stream_done`. */
export type RunLog = readonly SequencedEvent[];

/** The messages the server sends with the error codes a scripted stream produces. */
export const SERVER_MESSAGES = {
  upstream_error: "The model service returned an incomplete answer",
  stream_lost: "This stream is no longer available; please retry",
  streaming_disabled: "Streaming is turned off; use the batch endpoints",
  not_found: "Not found",
} as const satisfies Partial<Record<ErrorCode, string>>;

type Ending = Extract<SequencedEvent, { type: "stream_done" }>["metadata"]["finish_reason"];

/** Each panel's text: the concatenation of its chunks, in order. */
export function panelsOf(events: RunLog): Record<Panel, string> {
  const panels = { reasoning: "", chat: "" };
  for (const event of events) {
    if (event.type === "content_chunk") panels[event.panel] += event.content;
  }
  return panels;
}

/** The log's events with another run id (a run played again is a new run). */
export function withRunId(events: RunLog, runId: string): SequencedEvent[] {
  return events.map((event) => ({ ...event, runId }));
}

/** Whether the log has reached `stream_done`. */
export function isFinished(events: RunLog): boolean {
  return events.at(-1)?.type === "stream_done";
}

/**
 * The run's end after `events`, as the server ends a run: an `error` (for a failure) on the stage
 * that was producing, then `stream_done` with the chunk count and the digest of the text so far.
 */
export async function endingOf(
  events: RunLog,
  reason: Ending,
  { error }: { error?: ErrorCode } = {},
): Promise<SequencedEvent[]> {
  const last = events.at(-1)!;
  // Fields in the server's order, so a recorded log and a scripted one serialize alike.
  const common = (seq: number) => ({
    runId: last.runId,
    seq,
    ts: last.ts,
    panel: last.panel,
    stage: last.stage,
  });
  let seq = last.seq;
  const ending: SequencedEvent[] = [];
  if (error !== undefined) {
    ending.push({
      type: "error",
      ...common(++seq),
      content: messageOf(error),
      metadata: { error_code: error, retry_available: true },
    });
  }
  ending.push({
    type: "stream_done",
    ...common(++seq),
    content: "",
    metadata: {
      finish_reason: reason,
      chunk_count: events.filter((event) => event.type === "content_chunk").length,
      digest: await panelDigest(panelsOf(events)),
    },
  });
  return ending;
}

/** The in-band answer for a run the server cannot find: two seq-0 events, no cursor moves. */
export async function lostEvents(runId: string, ts: number): Promise<SequencedEvent[]> {
  const common = { runId, seq: 0, ts, panel: "chat", stage: "" } as const;
  return [
    {
      type: "error",
      ...common,
      content: SERVER_MESSAGES.stream_lost,
      metadata: { error_code: "stream_lost", retry_available: true },
    },
    {
      type: "stream_done",
      ...common,
      content: "",
      metadata: {
        finish_reason: "error",
        chunk_count: 0,
        digest: await panelDigest({ reasoning: "", chat: "" }),
      },
    },
  ];
}

/** The conversation a chat run belongs to, as its `run_start` names it. */
export function conversationIdOf(events: RunLog): string | undefined {
  const start = events[0];
  return start?.type === "run_start" ? start.metadata.conversation_id : undefined;
}

/** `GET /api/runs/:runId`: `{runId, kind, status, lastSeq, panels, error?}`. */
export function summaryOf(events: RunLog) {
  const start = events[0];
  const done = events.findLast((event) => event.type === "stream_done");
  const error = events.findLast((event) => event.type === "error");
  const reason = done?.type === "stream_done" ? done.metadata.finish_reason : undefined;
  return {
    runId: start.runId,
    kind: start.type === "run_start" ? start.metadata.kind : "workflow",
    status: reason === undefined
      ? "running"
      : reason === "error"
      ? "error"
      : reason === "cancelled"
      ? "cancelled"
      : "complete",
    lastSeq: events.at(-1)?.seq ?? 0,
    panels: panelsOf(events),
    ...(error?.type === "error"
      ? { error: { code: error.metadata.error_code, message: error.content } }
      : {}),
  };
}

/**
 * The batch endpoints' answer for a finished run: the probe's fields and the digest; a workflow adds
 * its text per stage of the plan, a chat its conversation and reply.
 */
export function batchAnswerOf(events: RunLog) {
  const summary = summaryOf(events);
  const start = events[0];
  const done = events.at(-1);
  const digest = done?.type === "stream_done" ? { digest: done.metadata.digest } : {};
  if (start.type !== "run_start" || start.metadata.kind === "chat") {
    return { conversationId: conversationIdOf(events), ...summary, ...digest };
  }
  const stages = new Map<
    string,
    { stage: string; title: string; reasoning: string; chat: string }
  >();
  for (const { stage, title } of start.metadata.stages) {
    if (!stages.has(stage)) stages.set(stage, { stage, title, reasoning: "", chat: "" });
  }
  for (const event of events) {
    const stage = event.type === "content_chunk" ? stages.get(event.stage) : undefined;
    if (stage) stage[event.panel] += event.content;
  }
  return { ...summary, ...digest, stages: [...stages.values()] };
}

function messageOf(code: ErrorCode): string {
  return code in SERVER_MESSAGES ? SERVER_MESSAGES[code as keyof typeof SERVER_MESSAGES] : code;
}
