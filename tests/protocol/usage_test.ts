import assert from "node:assert/strict";
import { StreamDoneEvent } from "../../protocol/events.ts";

const done = {
  type: "stream_done",
  runId: "AAAAAAAAAAAAAAAAAAAAAA",
  seq: 9,
  ts: 1,
  panel: "chat",
  stage: "reply",
  content: "",
  metadata: {
    finish_reason: "stop",
    chunk_count: 4,
    digest: { reasoning: "a".repeat(64), chat: "b".repeat(64) },
  },
};

Deno.test("stream_done without usage stays valid", () => {
  assert.ok(StreamDoneEvent.safeParse(done).success);
});

Deno.test("stream_done carries usage as whole token counts", () => {
  const usage = { inputTokens: 120, outputTokens: 7 };
  const parsed = StreamDoneEvent.parse({ ...done, metadata: { ...done.metadata, usage } });
  assert.deepEqual(parsed.metadata.usage, usage);
  for (const bad of [{ inputTokens: -1, outputTokens: 0 }, { inputTokens: 1.5, outputTokens: 0 }]) {
    assert.equal(
      StreamDoneEvent.safeParse({ ...done, metadata: { ...done.metadata, usage: bad } }).success,
      false,
    );
  }
});
