/** The elements' UI strings: English by default, replaceable through each element's `strings` property. */
import type { ErrorCode } from "../protocol/events.ts";
import type { SectionStatus, ViewError } from "./state/view-state.ts";

/** Every string the elements show or announce. */
export interface StreamStrings {
  /** Section statuses, shown next to each stage title. */
  status: Record<SectionStatus, string>;
  /** A stage the run ended before reaching. */
  notStarted: string;
  /** Stage progress, e.g. "2 of 4". */
  progress: (index: number, count: number) => string;
  copy: string;
  /** Accessible name of a stage's or a message's copy button. */
  copyLabel: (what: string) => string;
  copied: string;
  copyFailed: string;
  /** The button that reads a finished text aloud, its accessible name, and the one that stops it. */
  readAloud: string;
  readAloudLabel: (what: string) => string;
  stopReading: string;
  stopReadingLabel: (what: string) => string;
  retry: string;
  stop: string;
  /** Who is watching the run, e.g. "Watching: Dr Ada, Dr Bo". */
  watching: (names: string) => string;
  send: string;
  jumpToLatest: string;
  /** The quiet mark on text cut short by a cancel or an error; a copy ends with it in brackets. */
  incomplete: string;
  you: string;
  assistant: string;
  /** Accessible name of the conversation log. */
  conversation: string;
  /** Accessible name of the reasoning panel. */
  reasoning: string;
  composerLabel: string;
  composerPlaceholder: string;
  typing: string;
  stageStarted: (title: string) => string;
  stageComplete: (title: string) => string;
  done: string;
  cancelled: string;
  reconnecting: string;
  /** Shown beside the text while the browser is offline and the provider waits to reconnect. */
  offline: string;
  /** Shown beside the text for a moment after a reconnection picked the stream up again. */
  resumed: string;
  /** What the server's `stream_lost` says: it no longer has the run being read (a restart). */
  runLost: string;
  nothingYet: string;
  /** What an error says when the server gave no words for it (the elements' own errors), by code. */
  errors: Record<ErrorCode, string>;
}

/** The default English strings. */
export const defaultStrings: StreamStrings = {
  status: {
    pending: "Waiting",
    streaming: "Writing…",
    complete: "Done",
    error: "Failed",
    cancelled: "Stopped",
  },
  notStarted: "Not started",
  progress: (index, count) => `${index} of ${count}`,
  copy: "Copy",
  copyLabel: (what) => `Copy ${what}`,
  copied: "Copied",
  copyFailed: "Copy failed",
  readAloud: "Read aloud",
  readAloudLabel: (what) => `Read aloud ${what}`,
  stopReading: "Stop reading",
  stopReadingLabel: (what) => `Stop reading ${what}`,
  retry: "Retry",
  stop: "Stop",
  watching: (names) => `Watching: ${names}`,
  send: "Send",
  jumpToLatest: "Jump to latest",
  incomplete: "incomplete",
  you: "You",
  assistant: "Assistant",
  conversation: "Conversation",
  reasoning: "Reasoning",
  composerLabel: "Message",
  composerPlaceholder: "Ask a question…",
  typing: "Assistant is writing",
  stageStarted: (title) => `${title} started`,
  stageComplete: (title) => `${title} complete`,
  done: "Finished",
  cancelled: "Stopped",
  reconnecting: "Connection lost, reconnecting",
  offline: "Offline; the answer goes on when the network is back",
  resumed: "Reconnected",
  runLost: "The server no longer has this answer, as after a restart; Retry asks for it again",
  nothingYet: "Nothing yet",
  errors: {
    invalid_request: "The request was refused",
    not_found: "The answer could not be found",
    rate_limited: "Too many requests; please try again shortly",
    upstream_unavailable: "The model service could not be reached",
    upstream_timeout: "The model service stopped responding",
    upstream_error: "The model service returned an incomplete answer",
    stream_lost: "The connection was lost before the answer was complete",
    streaming_disabled: "Streaming is turned off",
    overloaded: "The server is busy; please try again shortly",
    internal: "Something went wrong while preparing the answer",
    content_filtered: "The model service withheld the rest of this answer; it is incomplete",
    forbidden: "This request is not allowed",
    unauthorized: "Your sign-in has expired or is not valid; please sign in again",
  },
};

/** The defaults with a host page's replacements applied. */
export function resolveStrings(overrides: Partial<StreamStrings> | undefined): StreamStrings {
  return overrides ? { ...defaultStrings, ...overrides } : defaultStrings;
}

/**
 * What `error` says: the server's message, or else the strings' message for its code. A run the
 * server lost is worded here: the server only knows it has no such run, the elements know they
 * were reading it (a restart lost it).
 */
export function errorMessage(error: ViewError, strings: StreamStrings): string {
  const text = error.code === "stream_lost" && error.message !== undefined
    ? strings.runLost
    : error.message ?? strings.errors[error.code];
  return error.request ? `${text} (${error.request})` : text;
}
