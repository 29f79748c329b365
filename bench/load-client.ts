/**
 * The load client: a separate process that opens N SSE streams over raw TCP and measures what
 * arrives. Latency is a live chunk's receipt time minus its `ts` stamp (same machine clock); the
 * delay from a request to its first event, which includes starting the run, is reported apart.
 * Prints one JSON summary on stdout; progress lines (`OPENED n`, `DONE`) on stderr let the
 * orchestrator sample the server while every stream is attached.
 *
 *   deno run -A bench/load-client.ts '<json LoadConfig>'
 */
import { epochNow, openStream, type StreamRequest } from "./lib/sse-connection.ts";
import { Samples, summarize } from "./lib/stats.mjs";
import { fromUiMessage } from "./lib/ui-message-events.ts";

/** What to open and how long to keep it. */
export interface LoadConfig {
  origin: string;
  streams: number;
  /** Stream i sends `requests[i % requests.length]`. */
  requests: StreamRequest[];
  /** Streams opened per second (a burst of thousands of connects overflows the listen queue). */
  openPerSec?: number;
  /** Idle viewers: close every stream this long after all are open. */
  holdMs?: number;
  /** Hard bound: every stream still open is cut then. */
  timeoutMs: number;
  /** The schedule a stream should keep, for stretch: first chunk after `firstMs`, then paced. */
  schedule?: { firstMs: number; charsPerSec?: number; chunksPerSec?: number };
  /** `ui-message`: the peer's AI SDK UI message stream instead of the server's events. */
  format?: "ui-message";
}

interface StreamStats {
  startedAt: number;
  doneAt?: number;
  lastSeq: number;
  chunks: number;
  chars: number;
  firstEventAt?: number;
  firstChunkAt?: number;
  lastChunkAt?: number;
  finishReason?: string;
}

const config: LoadConfig = JSON.parse(Deno.args[0]);
const origin = new URL(config.origin);

const latency = new Samples();
const stretch = new Samples();
const chunkRate = new Samples();
const firstEvent = new Samples();
const statuses: Record<string, number> = {};
const endings: Record<string, number> = {};
const errorSamples: string[] = [];
const totals = {
  delivered: 0,
  expected: 0,
  replayed: 0,
  heartbeats: 0,
  gaps: 0,
  duplicates: 0,
  errorEvents: 0,
  completed: 0,
  contentChunks: 0,
  wireBytes: 0,
  dataBytes: 0,
  payloadBytes: 0,
};
let errors = 0;

/** UTF-8 length of a string, without encoding it (this runs for every chunk). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    // A surrogate pair is 4 bytes: 2 for each half.
    else if (code >= 0xd800 && code < 0xe000) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}

function recordError(text: string) {
  errors++;
  if (errorSamples.length < 10) errorSamples.push(text);
}

function scheduledMs(stream: StreamStats): number | undefined {
  const schedule = config.schedule;
  if (!schedule) return undefined;
  if (schedule.charsPerSec) return schedule.firstMs + stream.chars * 1000 / schedule.charsPerSec;
  if (schedule.chunksPerSec) {
    return schedule.firstMs + (stream.chunks - 1) * 1000 / schedule.chunksPerSec;
  }
  return undefined;
}

/** The slowest events, to tell which kind of event is late. */
const worst: { ms: number; type: string; seq: number; panel: string; stream: number }[] = [];
function noteWorst(
  ms: number,
  event: { type: string; seq: number; panel: string },
  stream: number,
) {
  if (worst.length === 10 && ms <= worst[9].ms) return;
  worst.push({
    ms: Math.round(ms * 10) / 10,
    type: event.type,
    seq: event.seq,
    panel: event.panel,
    stream,
  });
  worst.sort((a, b) => b.ms - a.ms);
  if (worst.length > 10) worst.pop();
}

let opened = 0;
const cutAll = new AbortController();

async function runStream(index: number): Promise<void> {
  const stream: StreamStats = { startedAt: epochNow(), lastSeq: 0, chunks: 0, chars: 0 };
  let counted = false;
  let parts = 0;
  const decode = config.format === "ui-message"
    ? (data: string) => fromUiMessage(data, ++parts)
    : (data: string) => JSON.parse(data);
  const countOpen = () => {
    if (counted) return;
    counted = true;
    if (++opened === config.streams) {
      console.error(`OPENED ${opened}`);
      if (config.holdMs !== undefined) setTimeout(() => cutAll.abort(), config.holdMs);
    }
  };
  const outcome = await openStream(origin, config.requests[index % config.requests.length], {
    onHead(head) {
      statuses[head.status] = (statuses[head.status] ?? 0) + 1;
      if (head.status !== 200) recordError(`status ${head.status}`);
      countOpen();
    },
    onMessages(messages, at) {
      for (const message of messages) {
        totals.dataBytes += message.data.length;
        const event = decode(message.data);
        if (event === undefined) continue;
        if (event.type === "heartbeat") {
          totals.heartbeats++;
          continue;
        }
        totals.delivered++;
        stream.firstEventAt ??= at;
        // Stamped before this viewer asked: replayed from the run's log, not live.
        if (event.ts < Math.floor(stream.startedAt)) totals.replayed++;
        else if (event.type === "content_chunk") {
          latency.push(at - event.ts);
          noteWorst(at - event.ts, event, index);
        }
        if (event.seq === 0) recordError(`seq 0 ${event.type} ${event.metadata?.error_code ?? ""}`);
        else if (event.seq <= stream.lastSeq) totals.duplicates++;
        else {
          totals.gaps += event.seq - stream.lastSeq - 1;
          stream.lastSeq = event.seq;
        }
        switch (event.type) {
          case "content_chunk":
            stream.chunks++;
            stream.firstChunkAt ??= at;
            stream.lastChunkAt = at;
            totals.contentChunks++;
            stream.chars += event.content.length;
            totals.payloadBytes += utf8Length(event.content);
            break;
          case "error":
            totals.errorEvents++;
            recordError(`error event ${event.metadata?.error_code}`);
            break;
          case "stream_done":
            stream.doneAt = at;
            stream.finishReason = event.metadata?.finish_reason;
            totals.expected += event.seq;
            break;
        }
      }
    },
  }, cutAll.signal);
  countOpen();
  if (stream.firstEventAt !== undefined) firstEvent.push(stream.firstEventAt - stream.startedAt);
  totals.wireBytes += outcome.wireBytes;
  endings[outcome.ending] = (endings[outcome.ending] ?? 0) + 1;
  if (outcome.error) recordError(outcome.error);
  if (stream.doneAt !== undefined) {
    totals.completed++;
    if (stream.finishReason !== "stop") recordError(`finish ${stream.finishReason}`);
    const scheduled = scheduledMs(stream);
    if (scheduled) stretch.push((stream.doneAt - stream.startedAt) / scheduled);
    if (stream.chunks > 1) {
      chunkRate.push((stream.chunks - 1) * 1000 / (stream.lastChunkAt! - stream.firstChunkAt!));
    }
  } else if (config.holdMs === undefined) {
    recordError(`no stream_done (${outcome.ending})`);
    // Events a stream that did not finish should still have delivered are unknown: count what came.
    totals.expected += stream.lastSeq;
  }
}

const startedAt = epochNow();
const timeout = setTimeout(() => cutAll.abort(), config.timeoutMs);
const runs: Promise<void>[] = [];
const openPerSec = config.openPerSec ?? 2000;
// Opens in 10 ms batches at the requested pace.
for (let i = 0; i < config.streams; i++) {
  const due = startedAt + i * 1000 / openPerSec;
  const wait = due - epochNow();
  if (wait > 10) await new Promise((resolve) => setTimeout(resolve, wait));
  runs.push(runStream(i));
}
await Promise.all(runs);
clearTimeout(timeout);
console.error("DONE");

const lat = summarize(latency.values());
console.log(JSON.stringify({
  streams: config.streams,
  statuses,
  endings,
  completed: totals.completed,
  errors,
  errorSamples,
  delivered: totals.delivered,
  expected: totals.expected,
  replayed: totals.replayed,
  contentChunks: totals.contentChunks,
  heartbeats: totals.heartbeats,
  gaps: totals.gaps,
  duplicates: totals.duplicates,
  latencyMs: lat,
  firstEventMs: summarize(firstEvent.values()),
  worst,
  stretch: summarize(stretch.values()),
  chunksPerSec: summarize(chunkRate.values()),
  wireBytes: totals.wireBytes,
  dataBytes: totals.dataBytes,
  payloadBytes: totals.payloadBytes,
  wirePerPayloadByte: totals.payloadBytes ? totals.wireBytes / totals.payloadBytes : null,
  elapsedMs: epochNow() - startedAt,
}));
