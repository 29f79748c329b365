/**
 * The resume client: follows one run, cuts its connection `cuts` times, and each time waits the
 * server's `retry:` then resumes from the last event id (alternately as the `Last-Event-ID`
 * header and the `lastEventId` query parameter), as a browser would. Checks that the events
 * form exactly seq 1…N and that each panel's text matches the `stream_done` digest.
 *
 *   deno run -A bench/resume-client.ts '<json ResumeConfig>'
 */
import { epochNow, openStream, type StreamRequest } from "./lib/sse-connection.ts";
import { summarize } from "./lib/stats.mjs";

/** What to follow and how often to cut it. */
export interface ResumeConfig {
  origin: string;
  request: StreamRequest;
  cuts: number;
  /** Content events read between reconnecting and the next cut. */
  chunksBetweenCuts: number;
  timeoutMs: number;
}

interface Cut {
  cutAt: number;
  reconnectAt: number;
  firstEventAt?: number;
  /** Receipt of the last event that was already logged when the viewer reconnected. */
  replayDoneAt?: number;
  replayed: number;
  firstSeq?: number;
  cursor: number;
}

const config: ResumeConfig = JSON.parse(Deno.args[0]);
const origin = new URL(config.origin);
const seen = new Map<number, number>();
const text = { reasoning: "", chat: "" };
const cuts: Cut[] = [];
let runId = "";
let cursor = 0;
let retryMs = 0;
let done: { reasoning: string; chat: string } | undefined;
let errors = 0;
const deadline = setTimeout(() => Deno.exit(2), config.timeoutMs);

/** Reads one connection until it ends or, when `cutAfter` is given, that many chunks came. */
async function follow(
  request: StreamRequest,
  current: Cut | undefined,
  cutAfter: number | undefined,
) {
  const cutter = new AbortController();
  let chunks = 0;
  const outcome = await openStream(origin, request, {
    onMessages(messages, at, retry) {
      retryMs = retry ?? retryMs;
      for (const message of messages) {
        const event = JSON.parse(message.data);
        if (event.type === "heartbeat") continue;
        if (event.seq === 0) {
          errors++;
          continue;
        }
        runId ||= event.runId;
        seen.set(event.seq, (seen.get(event.seq) ?? 0) + 1);
        if (message.id) cursor = Number(message.id.slice(message.id.lastIndexOf(".") + 1));
        if (current) {
          current.firstEventAt ??= at;
          current.firstSeq ??= event.seq;
          if (event.ts < current.reconnectAt) {
            current.replayed++;
            current.replayDoneAt = at;
          }
        }
        if (event.type === "content_chunk") {
          text[event.panel as "reasoning" | "chat"] += event.content;
          chunks++;
        }
        if (event.type === "error") errors++;
        if (event.type === "stream_done") done = event.metadata.digest;
      }
      if (cutAfter !== undefined && chunks >= cutAfter && !done) cutter.abort();
    },
  }, cutter.signal);
  if (outcome.head?.status !== 200) errors++;
  return outcome;
}

async function sha256Hex(value: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

await follow(config.request, undefined, config.chunksBetweenCuts);
while (!done) {
  const cut: Cut = { cutAt: epochNow(), reconnectAt: 0, replayed: 0, cursor };
  // As a browser: wait the server's retry, then resume from the last event id.
  await new Promise((resolve) => setTimeout(resolve, retryMs));
  const lastEventId = `${runId}.${cursor}`;
  const useHeader = cuts.length % 2 === 0;
  const request: StreamRequest = useHeader
    ? {
      method: "GET",
      path: `/api/runs/${runId}/stream`,
      headers: { "Last-Event-ID": lastEventId },
    }
    : {
      method: "GET",
      path: `/api/runs/${runId}/stream?lastEventId=${encodeURIComponent(lastEventId)}`,
    };
  cut.reconnectAt = epochNow();
  cuts.push(cut);
  await follow(request, cut, cuts.length < config.cuts ? config.chunksBetweenCuts : undefined);
  if (cuts.length > config.cuts) break;
}
clearTimeout(deadline);

const last = Math.max(0, ...seen.keys());
let gaps = 0;
let duplicates = 0;
for (let seq = 1; seq <= last; seq++) {
  const count = seen.get(seq) ?? 0;
  if (count === 0) gaps++;
  if (count > 1) duplicates += count - 1;
}
const exact = done !== undefined &&
  (await sha256Hex(text.reasoning)) === done.reasoning &&
  (await sha256Hex(text.chat)) === done.chat;
const resumes = cuts.filter((cut) => cut.firstEventAt !== undefined);
console.log(JSON.stringify({
  cuts: cuts.length,
  retryMs,
  events: last,
  gaps,
  duplicates,
  wrongFirstSeq: cuts.filter((cut) =>
    cut.firstSeq !== undefined && cut.firstSeq !== cut.cursor + 1
  ).length,
  errors,
  finished: done !== undefined,
  textExact: exact,
  cutToFirstEventMs: summarize(resumes.map((c) => c.firstEventAt! - c.cutAt)),
  reconnectToFirstEventMs: summarize(resumes.map((c) => c.firstEventAt! - c.reconnectAt)),
  replayMs: summarize(
    resumes.filter((c) => c.replayDoneAt).map((c) => c.replayDoneAt! - c.reconnectAt),
  ),
  replayedEvents: summarize(resumes.map((c) => c.replayed)),
}));
