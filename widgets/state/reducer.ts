/**
 * The stream-state reducer: a StreamEvent in, a new StreamState out. Pure; returns the very same
 * object when nothing changed, so the context only notifies on real change. Events arrive each
 * once and in order: the connection controller drops replays and other runs' events.
 */
import type { ErrorEvent, Panel, RunStartEvent, StreamEvent } from "../../protocol/events.ts";
import { endRun, failRun } from "./run-end.ts";
import { appended, pendingSection, stageNames, updateSection } from "./sections.ts";
import { type StreamState, viewOf } from "./stream-state.ts";
import type { ViewError } from "./view-state.ts";

/** Applies one validated event of the current run (seq-0 events carry no position). */
export function reduce(state: StreamState, event: StreamEvent): StreamState {
  if (event.type === "heartbeat") return state;
  if (event.type === "run_start") return startRun(state, event);
  const next = { ...state, lastSeq: Math.max(state.lastSeq, event.seq) };
  const { panel, stage } = event;
  switch (event.type) {
    case "stage_start":
      return updateSection(next, {
        panel,
        stage,
        change: (section) => ({
          ...section,
          title: event.metadata.title || section.title,
          stageIndex: event.metadata.stage_index,
          stageCount: event.metadata.stage_count,
          status: "streaming",
        }),
      });
    case "content_chunk":
      return updateSection(next, {
        panel,
        stage,
        change: (section) => appended(section, event.content),
      });
    case "stage_complete":
      return updateSection(next, {
        panel,
        stage,
        change: (section) => ({ ...section, status: "complete" }),
      });
    case "error":
      return failRun(next, errorOf(event));
    case "stream_done":
      return endRun(next, event.metadata.finish_reason);
  }
}

/**
 * A run begins: its plan lays out pending sections. The conversation so far is kept, but for the
 * replies this run will show again (a replay from its start) and, when a new workflow run starts,
 * the summaries (the titled messages) and analyses of earlier workflow runs, which it supersedes.
 */
function startRun(state: StreamState, event: RunStartEvent): StreamState {
  const plan = event.metadata.stages;
  const stages = stageNames(plan);
  const sectionsOf = (panel: Panel) =>
    plan.filter((entry) => entry.panel === panel).map((entry) => pendingSection(entry, stages));
  const workflow = event.metadata.kind === "workflow";
  const history = viewOf(state).messages.filter((message) =>
    !(workflow && message.title !== undefined) &&
    !(message.role === "assistant" && message.runId === event.runId)
  );
  // A replay shows its run anew; a new workflow supersedes the earlier one's analyses too.
  const earlier = state.earlier.filter((run) =>
    run.runId !== event.runId && !(workflow && run.kind === "workflow")
  );
  return {
    status: "streaming",
    runId: event.runId,
    kind: event.metadata.kind,
    conversationId: event.metadata.conversation_id ?? state.conversationId,
    lastSeq: event.seq,
    plan,
    sections: { reasoning: sectionsOf("reasoning"), chat: sectionsOf("chat") },
    earlier,
    history,
    ...(state.transport ? { transport: state.transport } : {}),
  };
}

/** An error event without words (a batch result that gave none) is worded by the strings. */
function errorOf(event: ErrorEvent): ViewError {
  return {
    code: event.metadata.error_code,
    message: event.content || undefined,
    retryAvailable: event.metadata.retry_available,
  };
}
