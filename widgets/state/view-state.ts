/**
 * The view state `<stream-provider>` shares through context. Plain, immutable data: the reducer
 * returns a new object on every change, and panels only read it.
 */
import type { ErrorCode, FinishReason, Panel, PlanEntry } from "../../protocol/events.ts";

/** The connection/run status reported by `stream-status`. */
export type StreamStatus =
  | "idle"
  | "connecting"
  | "streaming"
  | "reconnecting"
  | "done"
  | "error"
  | "cancelled";

/** Where one stage of one panel stands. */
export type SectionStatus = "pending" | "streaming" | "complete" | "error" | "cancelled";

/**
 * The recent end of a growing text: `text.slice(offset)` of the whole. A string grown by appends
 * is copied whole by the engine the first time it is read after each append, so a renderer that
 * reads only what is new reads it here, and the whole text only once it fell behind `offset`.
 */
export interface TextTail {
  offset: number;
  text: string;
}

/** One stage's output in one panel. */
export interface Section {
  stage: string;
  panel: Panel;
  title: string;
  /** 0-based position of the stage among the run's distinct stages, and their number. */
  stageIndex: number;
  stageCount: number;
  status: SectionStatus;
  /** The concatenated chunks so far. */
  text: string;
  /** The end of `text`, while it streams. */
  tail?: TextTail;
  chunkCount: number;
}

/** A message of the conversation shown by `<chat-stream>`. */
export interface ChatMessage {
  /** Server message id, or `<runId>:<stage>` for one streaming now. */
  id: string;
  role: "user" | "assistant";
  content: string;
  /** The end of `content`, while it streams. */
  contentTail?: TextTail;
  status: "complete" | "streaming" | "cancelled" | "error";
  runId?: string;
  /** Workflow summaries carry their stage title. */
  title?: string;
  /** The reasoning that led to an assistant reply, when the model emitted any. */
  reasoning?: string;
}

/** A run or connection error, as shown to the clinician. */
export interface ViewError {
  code: ErrorCode;
  /** The server's words; without them (the elements' own errors) `strings.errors` says it. */
  message?: string;
  retryAvailable: boolean;
}

/** Everything the panels render. */
export interface ViewState {
  status: StreamStatus;
  runId?: string;
  kind?: "workflow" | "chat";
  conversationId?: string;
  /** Highest seq applied (the connection drops replays, so each event applies once). */
  lastSeq: number;
  plan: PlanEntry[];
  /** Sections of the current run per panel, in plan order. */
  sections: Record<Panel, Section[]>;
  /** The conversation: history and the current run's chat output. */
  messages: ChatMessage[];
  error?: ViewError;
  finishReason?: FinishReason;
  /** Set after `stream_done`: whether the rendered text hashes to the server's digest. */
  verified?: boolean;
}
