import { deepEqual, equal } from "node:assert/strict";
import { formatCursor, parseCursor, StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { RUN_ID, SAMPLE_EVENTS } from "./sample-events.ts";

/** The parse outcome of a value sent over the wire as JSON. */
const parseValue = (value: unknown) => parseEvent(JSON.stringify(value));
const invalid = (detail: string) => ({ ok: false, reason: "invalid_event", detail });

for (const event of Object.values(SAMPLE_EVENTS)) {
  Deno.test(`StreamEvent accepts a valid ${event.type} event`, () => {
    deepEqual(StreamEvent.parse(event), event);
  });
}

const { run_start, stage_start, content_chunk, stage_complete, error, stream_done, heartbeat } =
  SAMPLE_EVENTS;

const REJECTED: [string, unknown, string][] = [
  ["an unknown type", { ...content_chunk, type: "chunk" }, "Invalid type: invalid_union"],
  [
    "a run id with a dot",
    { ...content_chunk, runId: `${RUN_ID}.1` },
    "Invalid runId: invalid_format",
  ],
  ["a short run id", { ...heartbeat, runId: "abc" }, "Invalid runId: invalid_format"],
  ["a negative seq", { ...content_chunk, seq: -1 }, "Invalid seq: too_small"],
  ["a fractional seq", { ...content_chunk, seq: 1.5 }, "Invalid seq: invalid_type"],
  ["an unknown panel", { ...stage_start, panel: "side" }, "Invalid panel: invalid_value"],
  ["missing content", { ...stage_complete, content: undefined }, "Invalid content: invalid_type"],
  [
    "a run_start of an unknown kind",
    { ...run_start, metadata: { ...run_start.metadata, kind: "batch" } },
    "Invalid metadata.kind: invalid_value",
  ],
  [
    "a run_start plan entry with an unknown panel",
    {
      ...run_start,
      metadata: { ...run_start.metadata, stages: [{ stage: "a", panel: "x", title: "" }] },
    },
    "Invalid metadata.stages.0.panel: invalid_value",
  ],
  [
    "a stage_start with a negative stage index",
    { ...stage_start, metadata: { ...stage_start.metadata, stage_index: -1 } },
    "Invalid metadata.stage_index: too_small",
  ],
  [
    "a content_chunk without chunk index",
    { ...content_chunk, metadata: { total_expected: 3 } },
    "Invalid metadata.chunk_index: invalid_type",
  ],
  [
    "a stage_complete without chunk count",
    { ...stage_complete, metadata: { stage_index: 0, stage_count: 1 } },
    "Invalid metadata.chunk_count: invalid_type",
  ],
  [
    "an error with an unknown code",
    { ...error, metadata: { ...error.metadata, error_code: "teapot" } },
    "Invalid metadata.error_code: invalid_value",
  ],
  [
    "a stream_done with an unknown finish reason",
    { ...stream_done, metadata: { ...stream_done.metadata, finish_reason: "done" } },
    "Invalid metadata.finish_reason: invalid_value",
  ],
  [
    "a stream_done with an uppercase digest",
    {
      ...stream_done,
      metadata: {
        ...stream_done.metadata,
        digest: { reasoning: "A".repeat(64), chat: "a".repeat(64) },
      },
    },
    "Invalid metadata.digest.reasoning: invalid_format",
  ],
  ["a heartbeat with a string ts", { ...heartbeat, ts: "1" }, "Invalid ts: invalid_type"],
];

for (const [what, value, detail] of REJECTED) {
  Deno.test(`StreamEvent rejects ${what}`, () => {
    deepEqual(parseValue(value), invalid(detail));
  });
}

Deno.test("StreamEvent drops unknown fields", () => {
  deepEqual(parseValue({ ...content_chunk, extra: 1 }), { ok: true, event: content_chunk });
});

Deno.test("parseEvent returns the typed event of a valid payload", () => {
  const result = parseEvent(JSON.stringify(stream_done));
  deepEqual(result, { ok: true, event: stream_done });
  equal(
    result.ok && result.event.type === "stream_done" && result.event.metadata.finish_reason,
    "error",
  );
});

Deno.test("parseEvent reports a payload that is not JSON", () => {
  deepEqual(parseEvent("{not json"), {
    ok: false,
    reason: "invalid_json",
    detail: "Payload is not JSON",
  });
});

Deno.test("parseEvent reports JSON that is not an object", () => {
  deepEqual(parseEvent("[1]"), invalid("Invalid event: invalid_type"));
});

Deno.test("parseEvent never throws on hostile payloads", () => {
  const payloads = [
    "",
    "null",
    "1e999",
    '"x"',
    "[".repeat(5000),
    '{"__proto__":{"type":"heartbeat"}}',
  ];
  deepEqual(payloads.map((payload) => parseEvent(payload).ok), payloads.map(() => false));
});

Deno.test("parseCursor reads a valid cursor", () => {
  deepEqual(parseCursor(`${RUN_ID}.42`), { runId: RUN_ID, seq: 42 });
});

Deno.test("parseCursor reads the largest safe seq", () => {
  deepEqual(parseCursor(`${RUN_ID}.9007199254740991`), { runId: RUN_ID, seq: 9007199254740991 });
});

Deno.test("parseCursor reads what formatCursor writes", () => {
  deepEqual(parseCursor(formatCursor(RUN_ID, 0)), { runId: RUN_ID, seq: 0 });
});

const BAD_CURSORS = [
  ["a negative seq", `${RUN_ID}.-1`],
  ["an exponent", `${RUN_ID}.1e99`],
  ["a seq beyond the safe integers", `${RUN_ID}.9007199254740992`],
  ["a seq of 17 digits", `${RUN_ID}.12345678901234567`],
  ["a leading zero", `${RUN_ID}.01`],
  ["a path", "../x"],
  ["a short run id", "abc.1"],
  ["a colon", `${RUN_ID}:1`],
  ["no seq", `${RUN_ID}.`],
  ["a trailing newline", `${RUN_ID}.1\n`],
  ["an empty string", ""],
];

for (const [what, cursor] of BAD_CURSORS) {
  Deno.test(`parseCursor rejects ${what}`, () => {
    equal(parseCursor(cursor), undefined);
  });
}
