import { deepEqual, equal } from "node:assert/strict";
import { ContentChunkEvent, formatCursor, type StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import type { SseMessage } from "../../protocol/sse-decode.ts";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { decodeChunks } from "./decode-every-way.ts";
import { RUN_ID } from "./sample-events.ts";

/** Mulberry32: a small seeded PRNG, so a failure reproduces. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that would break a naive framing if they reached the wire unescaped.
const PIECES = [
  "a",
  "word",
  " ",
  "  lead",
  "é",
  "😀",
  "\r",
  "\n",
  "\r\n",
  "\0",
  "\u2028",
  "\u2029",
  "\uFEFF",
  "\uD800",
  "\uDFFF",
  ":",
  "data: x",
  "id: 9",
  "retry: 5",
  "\n\nevent: done\n",
  '"\\',
];

const EVENT_COUNT = 3000;

/** Builds the events through the schema, with a heartbeat now and then. */
function generateEvents(random: () => number): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (let seq = 1; seq <= EVENT_COUNT; seq++) {
    let content = "";
    const pieces = 1 + Math.floor(random() * 8);
    for (let i = 0; i < pieces; i++) content += PIECES[Math.floor(random() * PIECES.length)];
    events.push(ContentChunkEvent.parse({
      type: "content_chunk",
      runId: RUN_ID,
      seq,
      ts: seq * 1.5,
      panel: random() < 0.5 ? "chat" : "reasoning",
      stage: "reply",
      content,
      metadata: { chunk_index: seq - 1 },
    }));
    if (seq % 7 === 0) events.push({ type: "heartbeat", runId: RUN_ID, ts: seq });
  }
  return events;
}

/** What the decoder must return: one message per event; heartbeats keep the previous id. */
function expectedMessages(events: StreamEvent[]): SseMessage[] {
  let id = "";
  return events.map((event) => {
    if (event.type !== "heartbeat") id = formatCursor(event.runId, event.seq);
    return { data: JSON.stringify(event), id };
  });
}

function* randomSlices<T extends { slice(start: number, end: number): T; length: number }>(
  whole: T,
  random: () => number,
): Iterable<T> {
  for (let start = 0; start < whole.length;) {
    const end = start + 1 + Math.floor(random() * 32);
    yield whole.slice(start, end);
    start = end;
  }
}

function assertRoundTrip(chunks: (stream: string) => Iterable<Uint8Array | string>): void {
  const random = seededRandom(20261121);
  const events = generateEvents(random);
  const stream = encodeRetry(1000) + events.map((event) => encodeEvent(event)).join("");
  const decoded = decodeChunks(chunks(stream));
  deepEqual(decoded.messages, expectedMessages(events));
  deepEqual(
    decoded.messages.map((message) => parseEvent(message.data)),
    events.map((event) => ({
      ok: true,
      event,
    })),
  );
  equal(decoded.reconnectionTime, 1000);
}

Deno.test("encode then decode returns each event exactly, fed as one chunk", () => {
  assertRoundTrip((stream) => [new TextEncoder().encode(stream)]);
});

Deno.test("encode then decode returns each event exactly, fed in random byte chunks", () => {
  const random = seededRandom(7);
  assertRoundTrip((stream) => randomSlices(new TextEncoder().encode(stream), random));
});

Deno.test("encode then decode returns each event exactly, fed in random string chunks", () => {
  const random = seededRandom(11);
  assertRoundTrip((stream) => randomSlices(stream, random));
});
