/** What a connection controller works on, how it is configured and what it tells its provider. */
import type { StreamEvent } from "../../protocol/events.ts";
import type { ChatRequest } from "../../protocol/requests.ts";
import type { RunRecovery } from "../state/actions.ts";
import type { ViewError } from "../state/view-state.ts";
import type { ChatStarted } from "./api-bodies.ts";
import type { ConnectionEnvironment } from "./environment.ts";

/** How the connection behaves: the provider's attributes and `headers` property. */
export interface ConnectionSettings {
  transport: "fetch" | "eventsource" | "batch";
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  stallMs: number;
  headers: Record<string, string>;
}

/** What the controller tells its provider. */
export interface ConnectionSink {
  /** A validated event of the current run, each once, in order (replays are dropped). */
  event(event: StreamEvent): void;
  status(status: "reconnecting" | "streaming"): void;
  /** The work failed for good, outside the stream. */
  failed(error: ViewError): void;
  /** A chat run was created (before any event of it arrives). */
  chatStarted(started: ChatStarted): void;
  /** A lost chat run ended on the server: its saved conversation replaces the stream. */
  recovered(recovery: RunRecovery): void;
}

/** What a controller is made with: its settings (read at each use), its sink, its side effects. */
export interface ConnectionOptions {
  settings: () => ConnectionSettings;
  sink: ConnectionSink;
  env?: Partial<ConnectionEnvironment>;
}

/** A chat message to send: the controller adds the conversation it continues. */
export type OutgoingMessage = Omit<ChatRequest, "conversationId">;

/** A piece of work: an SSE URL to read (start or attach), or a chat message to send. */
export type Work =
  | { kind: "stream"; url: string }
  | { kind: "chat"; apiBase: string; request: ChatRequest };
