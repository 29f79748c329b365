import assert from "node:assert/strict";
import { readChunk } from "../../server/providers/openai-chunk.ts";
import { ProviderError } from "../../server/providers/provider.ts";

function chunk(delta: unknown, finishReason: unknown = null) {
  return {
    id: "c",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

Deno.test("readChunk maps reasoning_content, reasoning and content to channels", () => {
  assert.deepEqual(readChunk(chunk({ reasoning_content: "think", content: "say" })).deltas, [
    { channel: "reasoning", text: "think" },
    { channel: "answer", text: "say" },
  ]);
  assert.deepEqual(readChunk(chunk({ reasoning: "think" })).deltas, [
    { channel: "reasoning", text: "think" },
  ]);
});

Deno.test("readChunk takes reasoning once when a server sends both field names", () => {
  assert.deepEqual(readChunk(chunk({ reasoning_content: "same", reasoning: "same" })).deltas, [
    { channel: "reasoning", text: "same" },
  ]);
});

Deno.test("readChunk skips empty and null deltas and reads the finish reason", () => {
  assert.deepEqual(readChunk(chunk({ role: "assistant", content: "" })), {
    deltas: [],
    finish: null,
  });
  assert.deepEqual(readChunk(chunk({ content: null }, "length")), { deltas: [], finish: "length" });
  assert.deepEqual(readChunk({ choices: [] }), { deltas: [], finish: null });
});

Deno.test("readChunk rejects malformed chunks with upstream_error", () => {
  const malformed = [
    null,
    "text",
    {},
    { choices: "x" },
    { choices: [null] },
    chunk("delta"),
    chunk({ content: 42 }),
    chunk({ reasoning_content: {} }),
    chunk({ content: "x" }, 7),
  ];
  for (const value of malformed) {
    assert.throws(
      () => readChunk(value),
      (error) => error instanceof ProviderError && error.code === "upstream_error",
      JSON.stringify(value),
    );
  }
});
