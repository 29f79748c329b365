/** What the server keeps on disk: conversations, messages and the logs of finished runs. */
import type { HistorySummary } from "./summaries.ts";
import type { Panel, SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo } from "../runs/run.ts";

/** How a saved message ended. */
export type MessageStatus = "complete" | "cancelled" | "error";

/** A message as `GET /api/conversations/:id` returns it. */
export interface StoredMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  reasoning: string;
  status: MessageStatus;
  runId: string;
  /** Epoch ms. */
  createdAt: number;
}

/** A conversation and its messages in order. */
export interface StoredConversation {
  id: string;
  caseId?: string;
  createdAt: number;
  messages: StoredMessage[];
}

/** A live run's partial text as last saved, or a run lost to a crash as it was then. */
export interface RunCheckpoint {
  info: RunInfo;
  panels: Record<Panel, string>;
  lastSeq: number;
  /** Epoch ms. */
  updatedAt: number;
}

/** Where finished runs are saved and found again, and live runs are checkpointed. */
export interface RunStore {
  /** Saves a finished run: its info and its events as a JSON array; its checkpoint goes. */
  saveRun(info: RunInfo, eventsJson: string): void;
  loadRun(runId: string): { info: RunInfo; events: SequencedEvent[] } | undefined;
  /** Saves a live run's partial text, replacing its previous checkpoint. */
  checkpointRun(checkpoint: RunCheckpoint): void;
  /** A run that was in flight when the process died, as last checkpointed. */
  loadLostRun(runId: string): RunCheckpoint | undefined;
}

/** Conversations and their messages. */
export interface ConversationStore {
  createConversation(conversation: Omit<StoredConversation, "messages">): void;
  getConversation(id: string): StoredConversation | undefined;
  addMessage(conversationId: string, message: StoredMessage): void;
  /** The cached summary of the conversation's oldest messages, if one was made. */
  loadSummary(conversationId: string): HistorySummary | undefined;
  saveSummary(conversationId: string, summary: HistorySummary): void;
}

/** All of the storage the app needs. */
export interface Store extends RunStore, ConversationStore {
  /**
   * At start-up: marks every run still checkpointed as lost (its process died) and saves its
   * partial reply into its conversation with status `error`, once. Returns how many were lost.
   */
  recoverInterruptedRuns(options: { now: number; newId: () => string }): number;
  /** Deletes finished runs, lost runs and conversations last active before `cutoff` (epoch ms). */
  purgeBefore(cutoff: number): { runs: number; conversations: number };
  close(): void;
}

/**
 * Conversations as the routes use them, wherever they live: the embedded store (SQLite) or
 * Redis. Every method may reject with SharedUnavailableError when the storage is unreachable.
 */
export interface Conversations {
  create(conversation: Omit<StoredConversation, "messages">): Promise<void>;
  get(id: string): Promise<StoredConversation | undefined>;
  addMessage(conversationId: string, message: StoredMessage): Promise<void>;
}

/** The embedded store's conversations behind the asynchronous interface. */
export function embeddedConversations(store: ConversationStore): Conversations {
  return {
    create: (conversation) => Promise.resolve(store.createConversation(conversation)),
    get: (id) => Promise.resolve(store.getConversation(id)),
    addMessage: (conversationId, message) =>
      Promise.resolve(store.addMessage(conversationId, message)),
  };
}
