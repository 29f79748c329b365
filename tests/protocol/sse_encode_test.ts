import { equal, throws } from "node:assert/strict";
import type { ContentChunkEvent } from "../../protocol/events.ts";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { RUN_ID, SAMPLE_EVENTS } from "./sample-events.ts";

Deno.test("encodeEvent writes an id line, one data line and a blank line", () => {
  equal(
    encodeEvent(SAMPLE_EVENTS.content_chunk),
    `id: ${RUN_ID}.3\n` +
      `data: {"type":"content_chunk","runId":"${RUN_ID}","ts":1700000000000.5,"panel":"chat",` +
      `"stage":"reply","seq":3,"content":"Hello","metadata":{"chunk_index":0}}\n\n`,
  );
});

Deno.test("encodeEvent writes no id line for a heartbeat", () => {
  equal(
    encodeEvent(SAMPLE_EVENTS.heartbeat),
    `data: {"type":"heartbeat","runId":"${RUN_ID}","ts":1700000000001}\n\n`,
  );
});

Deno.test("encodeEvent writes no id line for a seq-0 event", () => {
  equal(
    encodeEvent({ ...SAMPLE_EVENTS.stage_complete, seq: 0 }),
    `data: {"type":"stage_complete","runId":"${RUN_ID}","ts":1700000000000.5,"panel":"chat",` +
      `"stage":"reply","seq":0,"content":"","metadata":{"chunk_count":1,"stage_index":0,` +
      `"stage_count":1}}\n\n`,
  );
});

Deno.test("encodeEvent writes CR, LF and NUL of content as JSON escapes", () => {
  equal(
    encodeEvent({ ...SAMPLE_EVENTS.content_chunk, content: "a\r\nb\u2028\0" }),
    `id: ${RUN_ID}.3\n` +
      `data: {"type":"content_chunk","runId":"${RUN_ID}","ts":1700000000000.5,"panel":"chat",` +
      `"stage":"reply","seq":3,"content":"a\\r\\nb\u2028\\u0000","metadata":{"chunk_index":0}}\n\n`,
  );
});

for (const [name, char] of [["CR", "\r"], ["LF", "\n"], ["NUL", "\0"]]) {
  Deno.test(`encodeEvent rejects an id containing ${name}`, () => {
    // The schema forbids such a run id; the encoder must still refuse to write it.
    const event = { ...SAMPLE_EVENTS.content_chunk, runId: `run${char}0123456789abc` };
    throws(() => encodeEvent(event as ContentChunkEvent), {
      name: "SseEncodeError",
      message: `Id contains CR, LF or NUL: ${JSON.stringify(`run${char}0123456789abc.3`)}`,
    });
  });
}

Deno.test("encodeRetry writes a retry line and a blank line", () => {
  equal(encodeRetry(1000), "retry: 1000\n\n");
});

Deno.test("encodeRetry accepts zero", () => {
  equal(encodeRetry(0), "retry: 0\n\n");
});

for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
  Deno.test(`encodeRetry rejects ${bad}`, () => {
    throws(() => encodeRetry(bad), {
      name: "SseEncodeError",
      message: `Retry must be a non-negative integer: ${bad}`,
    });
  });
}
