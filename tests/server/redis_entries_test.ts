import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { parseRunLog, readEntries, type StreamEntry } from "../../server/storage/redis-entries.ts";
import { makeApp, scriptProvider, type ScriptStep } from "./harness.ts";

const RUN = "R".repeat(22);
const INFO = { id: RUN, kind: "chat" as const, plan: [], createdAt: 5 };

/** The data lines of a workflow stage as its owner wrote them, in order. */
async function ownerJson(step: ScriptStep): Promise<string[]> {
  const h = makeApp({ provider: scriptProvider([step]) });
  try {
    const response = await h.app.request("/api/cases/aki-nsaids/workflow/stages/initial/stream");
    const decoder = createSseDecoder();
    const messages = [];
    for await (const bytes of response.body!) messages.push(...decoder.push(bytes));
    messages.push(...decoder.end());
    return messages.map((m) => m.data);
  } finally {
    h.close();
  }
}

const chunk = (seq: number, runId = RUN): SequencedEvent => ({
  type: "content_chunk",
  runId,
  seq,
  ts: 1000 + seq,
  panel: "chat",
  stage: "reply",
  content: `word${seq} `,
  metadata: { chunk_index: seq - 1 },
});

const entry = (seq: number, json = JSON.stringify(chunk(seq))): StreamEntry => [
  `${seq}-0`,
  ["e", json],
];

Deno.test("redis entries hand back the owner's events with their exact JSON", async () => {
  const deltas = [
    { channel: "reasoning" as const, text: "Why. " },
    { channel: "answer" as const, text: "Because." },
  ];
  const runs = [await ownerJson({ deltas }), await ownerJson({ deltas, error: new Error("gone") })];
  const types = new Set(runs.flat().map((text) => JSON.parse(text).type));
  assert.deepEqual(
    [...types].sort(),
    ["content_chunk", "error", "run_start", "stage_complete", "stage_start", "stream_done"],
  );
  for (const json of runs) {
    const runId = JSON.parse(json[0]).runId;
    const { events, intact } = readEntries(json.map((text, i) => entry(i + 1, text)), { runId });
    assert.equal(intact, true);
    assert.deepEqual(events.map((event) => JSON.stringify(event)), json);
  }
});

Deno.test("redis entries continue from the seq after the cursor", () => {
  const read = readEntries([entry(4), entry(5)], { runId: RUN, afterSeq: 3 });
  assert.deepEqual(read, { events: [chunk(4), chunk(5)], intact: true });
});

Deno.test("redis entries stop at a gap in seq", () => {
  const read = readEntries([entry(1), entry(3)], { runId: RUN });
  assert.deepEqual(read, { events: [chunk(1)], intact: false });
});

Deno.test("redis entries stop at an entry that is not JSON", () => {
  const read = readEntries([entry(1), entry(2, "{not json"), entry(3)], { runId: RUN });
  assert.deepEqual(read, { events: [chunk(1)], intact: false });
});

Deno.test("redis entries stop at JSON that is not a stream event", () => {
  const { metadata: _, ...bare } = chunk(2);
  const read = readEntries([entry(1), entry(2, JSON.stringify(bare))], { runId: RUN });
  assert.deepEqual(read, { events: [chunk(1)], intact: false });
});

Deno.test("redis entries stop at an event of another run or another seq", () => {
  const other = JSON.stringify(chunk(2, "S".repeat(22)));
  assert.deepEqual(readEntries([entry(1), entry(2, other)], { runId: RUN }), {
    events: [chunk(1)],
    intact: false,
  });
  const misplaced = JSON.stringify(chunk(3));
  assert.deepEqual(readEntries([entry(1), entry(2, misplaced)], { runId: RUN }), {
    events: [chunk(1)],
    intact: false,
  });
});

Deno.test("redis entries stop at a heartbeat and at fields other than the event", () => {
  const heartbeat = JSON.stringify({ type: "heartbeat", runId: RUN, ts: 1 });
  assert.deepEqual(readEntries([entry(1, heartbeat)], { runId: RUN }), {
    events: [],
    intact: false,
  });
  const foreign: StreamEntry = ["1-0", ["x", JSON.stringify(chunk(1))]];
  assert.deepEqual(readEntries([foreign], { runId: RUN }), { events: [], intact: false });
});

Deno.test("redis run log reads back a finished log whole", () => {
  const text = JSON.stringify({ info: INFO, events: [chunk(1), chunk(2)] });
  assert.deepEqual(parseRunLog(text, RUN), {
    info: INFO,
    events: [chunk(1), chunk(2)],
    intact: true,
  });
});

Deno.test("redis run log keeps the events before a malformed one and marks it broken", () => {
  const text = JSON.stringify({ info: INFO, events: [chunk(1), { type: "content_chunk" }] });
  assert.deepEqual(parseRunLog(text, RUN), { info: INFO, events: [chunk(1)], intact: false });
});

Deno.test("redis run log refuses text that is not a log of the run", () => {
  for (
    const text of [
      "{",
      "null",
      "[]",
      JSON.stringify({ events: [] }),
      JSON.stringify({ info: { ...INFO, id: "S".repeat(22) }, events: [] }),
      JSON.stringify({ info: INFO, events: {} }),
    ]
  ) {
    assert.equal(parseRunLog(text, RUN), undefined, text);
  }
});
