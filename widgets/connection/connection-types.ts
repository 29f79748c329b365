/** What a connection controller works on, how it is configured and what it tells its provider. */
import type { StreamEvent } from "../../protocol/events.ts";
import type { ChatRequest } from "../../protocol/requests.ts";
import type { RunRecovery } from "../state/actions.ts";
import type { TransportName, ViewError } from "../state/view-state.ts";
import type { ChatStarted } from "./api-bodies.ts";
import type { TokenSource } from "./token-source.ts";
import type { ConnectionEnvironment } from "./environment.ts";

/** The transports that follow a run as it is produced. */
export type StreamingTransport = "fetch" | "eventsource" | "poll";
/** The transport in use: one that follows the run, or `batch` (the whole answer at once). */
export type TransportInUse = TransportName;

/** How the connection behaves: the provider's attributes and `headers` property. */
export interface ConnectionSettings {
  transport: TransportInUse;
  /** No byte of a stream for this long (default transport) means the path holds it back. */
  bufferDetectMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  stallMs: number;
  headers: Record<string, string>;
  /** The signed-in user's bearer token, read before every connection and API call. */
  token?: TokenSource;
}

/** What the controller tells its provider. */
export interface ConnectionSink {
  /** A validated event of the current run, each once, in order (replays are dropped). */
  event(event: StreamEvent): void;
  status(status: "reconnecting" | "streaming"): void;
  /** The transport now carrying the work changed. */
  transport(transport: TransportInUse): void;
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
