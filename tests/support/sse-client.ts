/**
 * A small SSE client for the reliability suite: reads a stream with `fetch` through the
 * protocol's decoder, records every event it receives (duplicates included, so tests can see
 * them), and reconnects like an EventSource — same URL, `Last-Event-ID` from the decoder's
 * cursor — until `stream_done`, with a stall timeout and an injectable reconnection delay.
 */
import type { StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";

/** How one connection ended. */
export type ConnectionEnd = "done" | "eof" | "error" | "stall" | "status";

/** One connection of a followed stream. */
export interface ConnectionRecord {
  /** The `Last-Event-ID` sent ("" for none). */
  cursor: string;
  /** The delay waited before opening it (0 for the first), and the attempt it was computed for. */
  delayMs: number;
  attempt: number;
  status?: number;
  endedBy: ConnectionEnd;
  bytes: number;
  /** Events (heartbeats excluded) received on it. */
  events: number;
  /** `performance.now()` when it opened, when its last byte arrived, and when it ended. */
  openedAt: number;
  lastByteAt?: number;
  endedAt?: number;
}

/** Everything a followed stream delivered. */
export interface Transcript {
  /** Every non-heartbeat event in receipt order, including replayed duplicates and seq-0 events. */
  events: Exclude<StreamEvent, { type: "heartbeat" }>[];
  /** When each event arrived (`performance.now()`), parallel to `events`. */
  receivedAt: number[];
  heartbeats: number;
  /** SSE `data` payloads that did not parse as a StreamEvent. */
  invalid: string[];
  connections: ConnectionRecord[];
  /** Whether a `stream_done` arrived. */
  finished: boolean;
  /** The server's latest `retry:` value. */
  retryMs?: number;
}

/** Options of `followStream`. */
export interface FollowOptions {
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  /** Sent as `Last-Event-ID` on the first request too. */
  cursor?: string;
  /** Where reconnections go (default: the same URL, as GET, as EventSource does). */
  resumeUrl?: (cursor: string) => string;
  /** No byte for this long means the connection is dead: it is aborted and resumed. */
  stallMs?: number;
  /** The wait before reconnection attempt `attempt` (0-based, reset after a connection that delivered events). */
  delay?: (attempt: number, serverRetryMs: number | undefined) => number;
  /** Give up (and resolve unfinished) after this many connections. */
  maxConnections?: number;
  /** Give up (and resolve unfinished) after this long. */
  deadlineMs?: number;
}

/** Follows an SSE stream until `stream_done`, reconnecting with the cursor after any failure. */
export async function followStream(url: string, options: FollowOptions = {}): Promise<Transcript> {
  const {
    method = "GET",
    body,
    headers = {},
    resumeUrl = () => url,
    stallMs = 10_000,
    delay = () => 0,
    maxConnections = 500,
    deadlineMs = 30_000,
  } = options;
  const decoder = createSseDecoder();
  const transcript: Transcript = {
    events: [],
    receivedAt: [],
    heartbeats: 0,
    invalid: [],
    connections: [],
    finished: false,
  };
  const deadline = performance.now() + deadlineMs;
  let cursor = options.cursor ?? "";
  let attempt = 0;
  let delayMs = 0;
  let delayAttempt = 0;

  while (!transcript.finished && transcript.connections.length < maxConnections) {
    if (performance.now() > deadline) break;
    const first = transcript.connections.length === 0;
    const record: ConnectionRecord = {
      cursor,
      delayMs,
      attempt: delayAttempt,
      endedBy: "eof",
      bytes: 0,
      events: 0,
      openedAt: performance.now(),
    };
    transcript.connections.push(record);
    const requestHeaders: Record<string, string> = { accept: "text/event-stream", ...headers };
    if (cursor !== "") requestHeaders["last-event-id"] = cursor;
    await readOnce(first ? url : resumeUrl(cursor), {
      method: first ? method : "GET",
      body: first ? body : undefined,
      headers: requestHeaders,
    }, record);
    cursor = decoder.lastEventId;
    if (record.endedBy === "status") break;
    if (!transcript.finished) {
      if (record.events > 0) attempt = 0;
      delayAttempt = attempt++;
      delayMs = delay(delayAttempt, transcript.retryMs);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return transcript;

  async function readOnce(target: string, init: RequestInit, record: ConnectionRecord) {
    const abort = new AbortController();
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        abort.abort();
      }, Math.min(stallMs, Math.max(0, deadline - performance.now())));
    };
    arm();
    try {
      const response = await fetch(target, { ...init, signal: abort.signal });
      record.status = response.status;
      if (response.status !== 200) {
        record.endedBy = "status";
        await response.body?.cancel();
        return;
      }
      const reader = response.body!.getReader();
      for (;;) {
        arm();
        const { done, value } = await reader.read();
        if (done) break;
        record.bytes += value.length;
        record.lastByteAt = performance.now();
        accept(decoder.push(value), record);
        if (transcript.finished) {
          await reader.cancel();
          record.endedBy = "done";
          return;
        }
      }
      record.endedBy = "eof";
    } catch {
      record.endedBy = stalled ? "stall" : "error";
    } finally {
      record.endedAt = performance.now();
      clearTimeout(timer);
      decoder.end();
    }
  }

  function accept(messages: ReturnType<typeof decoder.push>, record: ConnectionRecord) {
    for (const message of messages) {
      if (message.retry !== undefined) transcript.retryMs = message.retry;
      const parsed = parseEvent(message.data);
      if (!parsed.ok) {
        transcript.invalid.push(message.data);
        continue;
      }
      const event = parsed.event;
      if (event.type === "heartbeat") {
        transcript.heartbeats++;
        continue;
      }
      transcript.events.push(event);
      transcript.receivedAt.push(performance.now());
      record.events++;
      if (event.type === "stream_done") transcript.finished = true;
    }
  }
}

/** Describes what is wrong with a run's seq list (not 1, 2, 3 … n), or `undefined`. */
export function seqProblem(events: Transcript["events"]): string | undefined {
  for (let i = 0; i < events.length; i++) {
    if (events[i].seq !== i + 1) {
      const kind = events[i].seq <= i ? "duplicate" : "gap";
      return `${kind} at position ${i}: seq ${events[i].seq}, expected ${i + 1}`;
    }
  }
  return undefined;
}
