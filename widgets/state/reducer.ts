/**
 * The stream-state reducer: StreamEvents and a few local actions in, a new ViewState out. Pure;
 * returns the very same object when nothing changed, so the context only notifies on real change.
 */
import type {
  ErrorEvent,
  FinishReason,
  Panel,
  PlanEntry,
  RunStartEvent,
  StreamDoneEvent,
  StreamEvent,
} from "../../protocol/events.ts";
import type {
  ChatMessage,
  Section,
  SectionStatus,
  StreamStatus,
  TextTail,
  ViewError,
  ViewState,
} from "./view-state.ts";

/** The state of a provider that has done nothing yet. */
export function initialViewState(): ViewState {
  return {
    status: "idle",
    lastSeq: 0,
    plan: [],
    sections: { reasoning: [], chat: [] },
    messages: [],
  };
}

/** Applies one validated event. Replayed events (seq ≤ lastSeq) and stale runs change nothing. */
export function reduce(state: ViewState, event: StreamEvent): ViewState {
  if (event.type === "heartbeat") return state;
  if (event.type === "run_start") {
    return event.runId === state.runId && event.seq <= state.lastSeq
      ? state
      : startRun(state, event);
  }
  // Seq-0 events (a lost stream) carry no position in the run: they always apply.
  if (event.seq !== 0 && (event.runId !== state.runId || event.seq <= state.lastSeq)) return state;
  const next = { ...state, lastSeq: Math.max(state.lastSeq, event.seq) };
  switch (event.type) {
    case "stage_start":
      return updateSection(next, event.panel, event.stage, (section) => ({
        ...section,
        title: event.metadata.title || section.title,
        stageIndex: event.metadata.stage_index,
        stageCount: event.metadata.stage_count,
        status: "streaming",
      }));
    case "content_chunk":
      return updateSection(next, event.panel, event.stage, (section) => ({
        ...section,
        status: "streaming",
        text: section.text + event.content,
        tail: grownTail(section, event.content),
        chunkCount: section.chunkCount + 1,
      }));
    case "stage_complete":
      return updateSection(next, event.panel, event.stage, (section) => ({
        ...section,
        status: "complete",
      }));
    case "error":
      return failRun(next, errorOf(event));
    case "stream_done":
      return finishRun(next, event);
  }
}

/** The clinician sent a message: it shows at once, before the server has answered. */
export function userMessageSent(
  state: ViewState,
  message: { id: string; content: string },
): ViewState {
  const sent: ChatMessage = {
    id: message.id,
    role: "user",
    content: message.content,
    status: "complete",
  };
  return { ...state, messages: [...state.messages, sent] };
}

/** The connection moved to a new status (connecting, reconnecting, streaming …). */
export function statusChanged(state: ViewState, status: StreamStatus): ViewState {
  return state.status === status ? state : { ...state, status };
}

/** The connection failed for good: partial content stays, marked as interrupted by an error. */
export function connectionFailed(state: ViewState, error: ViewError): ViewState {
  return failRun(state, error);
}

/** A conversation's saved messages arrived (after a reload): they replace the local ones. */
export function historyLoaded(
  state: ViewState,
  history: { conversationId: string; messages: ChatMessage[] },
): ViewState {
  return { ...state, conversationId: history.conversationId, messages: history.messages };
}

/** How a chat run the stream could not show ended on the server, and its saved conversation. */
export interface RunRecovery {
  conversationId: string;
  messages: ChatMessage[];
  finishReason: FinishReason;
  /** Why the run failed, when it did. */
  error?: ViewError;
}

/**
 * A chat run whose stream was lost ended on the server: its sections close as the run did, a
 * reasoning section takes the saved reply's reasoning, and the saved messages replace the local ones.
 */
export function runRecovered(state: ViewState, recovery: RunRecovery): ViewState {
  const ended = endRun(
    recovery.error ? { ...state, error: recovery.error } : state,
    recovery.finishReason,
  );
  const saved = recovery.messages.findLast((message) =>
    message.role === "assistant" && message.runId === state.runId
  );
  const reasoning = saved?.reasoning === undefined
    ? ended.sections.reasoning
    // A chat run has one stage: the saved reasoning is its whole reasoning text.
    : ended.sections.reasoning.map(({ tail: _replaced, ...section }) => ({
      ...section,
      text: saved.reasoning!,
      status: sectionStatusOf(recovery.finishReason),
    }));
  return {
    ...ended,
    conversationId: recovery.conversationId,
    messages: recovery.messages,
    sections: { ...ended.sections, reasoning },
  };
}

/** The work was dropped before its run was known: what it showed ends as cancelled. */
export function runCancelled(state: ViewState): ViewState {
  return endRun(state, "cancelled");
}

/** Whether output may still arrive in this run status (the Stop, caret and aria-busy states). */
export function isBusy(status: StreamStatus): boolean {
  return status === "connecting" || status === "streaming" || status === "reconnecting";
}

/** The chat run's conversation is known (the server created or continued it). */
export function conversationJoined(state: ViewState, conversationId: string): ViewState {
  return state.conversationId === conversationId ? state : { ...state, conversationId };
}

/** The result of `stream_done`'s digest check. */
export function integrityChecked(state: ViewState, verified: boolean): ViewState {
  return state.verified === verified ? state : { ...state, verified };
}

/** A new piece of work begins: the previous run's output is cleared, the conversation kept. */
export function workStarted(state: ViewState): ViewState {
  return {
    ...initialViewState(),
    status: "connecting",
    conversationId: state.conversationId,
    messages: state.messages,
  };
}

/** The concatenated text of one panel, sections in plan order: what the server's digest covers. */
export function panelText(state: ViewState, panel: Panel): string {
  return state.sections[panel].map((section) => section.text).join("");
}

function startRun(state: ViewState, event: RunStartEvent): ViewState {
  const plan = event.metadata.stages;
  const stages = stageNames(plan);
  const sectionsOf = (panel: Panel): Section[] =>
    plan.filter((entry) => entry.panel === panel).map((entry) => ({
      stage: entry.stage,
      panel,
      title: entry.title,
      stageIndex: stages.indexOf(entry.stage),
      stageCount: stages.length,
      status: "pending",
      text: "",
      chunkCount: 0,
    }));
  // A new workflow run supersedes the summaries (the titled messages) of earlier workflow runs.
  const messages = event.metadata.kind === "workflow"
    ? state.messages.filter((message) => message.title === undefined)
    : state.messages;
  return {
    status: "streaming",
    runId: event.runId,
    kind: event.metadata.kind,
    conversationId: event.metadata.conversation_id ?? state.conversationId,
    lastSeq: event.seq,
    plan,
    sections: { reasoning: sectionsOf("reasoning"), chat: sectionsOf("chat") },
    messages,
  };
}

/** The run's distinct stages in plan order: what a stage's index and count refer to. */
export function stageNames(plan: PlanEntry[]): string[] {
  return [...new Set(plan.map((entry) => entry.stage))];
}

/** Updates one section (created when the plan did not announce it) and its chat message. */
function updateSection(
  state: ViewState,
  panel: Panel,
  stage: string,
  change: (section: Section) => Section,
): ViewState {
  const list = state.sections[panel];
  const index = list.findIndex((section) => section.stage === stage);
  const before = index === -1 ? extraSection(state, panel, stage) : list[index];
  const after = streamingOnlyTail(change(before));
  const sections = index === -1 ? [...list, after] : list.with(index, after);
  const next = { ...state, sections: { ...state.sections, [panel]: sections } };
  return panel === "chat" ? syncMessage(next, after) : next;
}

function extraSection(state: ViewState, panel: Panel, stage: string): Section {
  const stages = stageNames([...state.plan, { stage, panel, title: stage }]);
  return {
    stage,
    panel,
    title: stage,
    stageIndex: stages.indexOf(stage),
    stageCount: stages.length,
    status: "pending",
    text: "",
    chunkCount: 0,
  };
}

/** A section keeps its tail only while it streams: a finished text is read once more, whole. */
function streamingOnlyTail(section: Section): Section {
  if (section.status === "streaming" || section.tail === undefined) return section;
  const { tail: _done, ...ended } = section;
  return ended;
}

/** Code units a section's tail keeps at least (and at most twice as many). */
const TAIL_CHARS = 8192;

/** The section's tail after `content` is appended to its text. */
function grownTail(section: Section, content: string): TextTail {
  const { offset, text } = section.tail ?? { offset: section.text.length, text: "" };
  const grown = text + content;
  if (grown.length <= 2 * TAIL_CHARS) return { offset, text: grown };
  const cut = grown.length - TAIL_CHARS;
  return { offset: offset + cut, text: grown.slice(cut) };
}

/** The chat panel's sections are also the conversation's assistant messages, `<runId>:<stage>`. */
function syncMessage(state: ViewState, section: Section): ViewState {
  if (section.status === "pending") return state;
  const id = `${state.runId}:${section.stage}`;
  const message: ChatMessage = {
    id,
    role: "assistant",
    content: section.text,
    ...(section.tail ? { contentTail: section.tail } : {}),
    status: messageStatus(section.status),
    runId: state.runId,
  };
  if (state.kind === "workflow") message.title = section.title;
  const index = state.messages.findIndex((existing) => existing.id === id);
  const messages = index === -1
    ? [...state.messages, message]
    : state.messages.with(index, message);
  return { ...state, messages };
}

function messageStatus(status: Exclude<SectionStatus, "pending">): ChatMessage["status"] {
  switch (status) {
    case "streaming":
      return "streaming";
    case "complete":
      return "complete";
    case "error":
      return "error";
    case "cancelled":
      return "cancelled";
  }
}

/** An error event without words (a batch result that gave none) is worded by the strings. */
function errorOf(event: ErrorEvent): ViewError {
  return {
    code: event.metadata.error_code,
    message: event.content || undefined,
    retryAvailable: event.metadata.retry_available,
  };
}

function failRun(state: ViewState, error: ViewError): ViewState {
  return endSections({ ...state, status: "error", error }, "error");
}

function finishRun(state: ViewState, event: StreamDoneEvent): ViewState {
  return endRun(state, event.metadata.finish_reason);
}

/** The run is over for `reason`: its status follows, and every open section closes alike. */
function endRun(state: ViewState, reason: FinishReason): ViewState {
  const next: ViewState = { ...state, status: statusOf(reason), finishReason: reason };
  return endSections(next, sectionStatusOf(reason));
}

function sectionStatusOf(reason: FinishReason): "complete" | "error" | "cancelled" {
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

function statusOf(reason: FinishReason): StreamStatus {
  switch (reason) {
    case "stop":
    case "length":
      return "done";
    case "cancelled":
      return "cancelled";
    case "error":
      return "error";
  }
}

/** Marks every section still streaming (and its message) as ended with `status`. */
function endSections(state: ViewState, status: "complete" | "error" | "cancelled"): ViewState {
  let next = state;
  for (const panel of ["reasoning", "chat"] as const) {
    for (const section of next.sections[panel]) {
      if (section.status === "streaming") {
        next = updateSection(next, panel, section.stage, (open) => ({ ...open, status }));
      }
    }
  }
  return next;
}
