/**
 * Recording a run from a real server as a fixture: its whole log, read from the start through
 * `GET /api/runs/:runId/stream` (a finished run is replayed, a running one followed to its end)
 * and decoded by the protocol's own decoder.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import type { RunLog } from "./run-log.ts";

/** Where the server is and how to reach it. */
export interface RecordOptions {
  /** The server's origin and base path, e.g. `http://127.0.0.1:8000` (default: this page's). */
  apiBase?: string;
  /** Request headers, e.g. `Authorization` when the server has auth on. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** The log of run `runId`, from `run_start` to `stream_done`, without heartbeats. */
export async function recordRun(
  runId: string,
  { apiBase = "", headers = {}, fetch: fetchImpl = globalThis.fetch }: RecordOptions = {},
): Promise<RunLog> {
  const url = `${apiBase}/api/runs/${encodeURIComponent(runId)}/stream`;
  const response = await fetchImpl(url, { headers: { ...headers, Accept: "text/event-stream" } });
  if (!response.ok || !response.body) {
    throw new Error(`Recording run "${runId}" failed: HTTP ${response.status}`);
  }
  const decoder = createSseDecoder();
  const events: SequencedEvent[] = [];
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    for (const message of decoder.push(read.value)) {
      const parsed = parseEvent(message.data);
      if (parsed.ok && parsed.event.type !== "heartbeat") events.push(parsed.event);
    }
  }
  if (events.at(-1)?.type !== "stream_done" || events[0]?.type !== "run_start") {
    throw new Error(`Recording run "${runId}" failed: the stream did not carry the whole run`);
  }
  return events;
}
