/**
 * The view state `<stream-provider>` shares through context. Plain, immutable data: the reducer
 * returns a new object on every change, and panels only read it.
 */
import type { Access } from "../../protocol/access.ts";
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

/**
 * An earlier run of the conversation, still shown beside the current one: its reasoning sections
 * that have text (its chat output is in the conversation's messages).
 */
export interface EarlierRun {
  runId: string;
  kind: "workflow" | "chat";
  sections: Section[];
}

/**
 * The transport carrying the work: a streaming one (`fetch`, `eventsource`, `poll` — long-poll,
 * where a proxy holds streams back), or `batch` (the whole answer at once).
 */
export type TransportName = "fetch" | "eventsource" | "poll" | "batch";

/** A run or connection error, as shown to the clinician. */
export interface ViewError {
  code: ErrorCode;
  /** The server's words; without them (the elements' own errors) `strings.errors` says it. */
  message?: string;
  retryAvailable: boolean;
  /** The request the elements found the error on (`GET https://…/stream`), named in its message. */
  request?: string;
}

/** Everything the panels render. */
export interface ViewState {
  status: StreamStatus;
  /** The transport in use, once the work has one. */
  transport?: TransportName;
  runId?: string;
  kind?: "workflow" | "chat";
  conversationId?: string;
  /** Highest seq applied (the connection drops replays, so each event applies once). */
  lastSeq: number;
  plan: PlanEntry[];
  /** Sections of the current run per panel, in plan order. */
  sections: Record<Panel, Section[]>;
  /** Earlier runs whose reasoning stays in view: the workflow a follow-up is about, earlier replies. */
  earlier: EarlierRun[];
  /** The conversation: history and the current run's chat output. */
  messages: ChatMessage[];
  error?: ViewError;
  finishReason?: FinishReason;
  /** Set after `stream_done`: whether the rendered text hashes to the server's digest. */
  verified?: boolean;
  /**
   * The caller's access to the run, when the server reports one (identity on): observers and
   * auditors watch but see no Stop, Retry or composer.
   */
  access?: Access;
}
