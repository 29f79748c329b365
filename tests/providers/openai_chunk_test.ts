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
  const none = { deltas: [], finish: null, toolCalls: false };
  assert.deepEqual(readChunk(chunk({ role: "assistant", content: "" })), none);
  assert.deepEqual(readChunk(chunk({ content: null }, "length")), { ...none, finish: "length" });
  assert.deepEqual(readChunk({ choices: [] }), none);
  // Azure's prompt filter results and usage chunks carry no choices.
  assert.deepEqual(readChunk({ prompt_filter_results: [] }), none);
});

Deno.test("readChunk reads a refusal as answer text and notices tool calls", () => {
  assert.deepEqual(readChunk(chunk({ refusal: "I can't help with that." })).deltas, [
    { channel: "answer", text: "I can't help with that." },
  ]);
  const call = { index: 0, function: { arguments: "{}" } };
  assert.equal(readChunk(chunk({ tool_calls: [call] })).toolCalls, true);
});

Deno.test("readChunk rejects malformed chunks with upstream_error", () => {
  const malformed = [
    null,
    "text",
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
