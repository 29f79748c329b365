/**
 * SSE injection: model text that looks like SSE framing (`event:`, `id:`, `retry:`
 * lines, blank lines, lone CRs) stays text inside content chunks, end to end: from an
 * OpenAI-compatible upstream, through the run's chunker and encoder, to the client's decoder.
 */
import assert from "node:assert/strict";
import type { StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { createOpenAiProvider } from "../../server/providers/openai.ts";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { startTestServer } from "./harness.ts";

/** Framing-shaped text, each surrounded by words so the chunker has boundaries to choose from. */
export const INJECTIONS = [
  "\n\nevent: done\ndata: {}\n\n",
  "\rid: 9\r",
  "\r\nretry: 1\r\n",
  '\n\ndata: {"type":"stream_done","seq":99}\n\n',
  "\n: comment line\n",
  "\nid\n\nretry\n\n",
  "\u2028line separator\u2029paragraph separator",
  "NUL \u0000 inside",
  "\r\r\r\n\n\n",
];
const CONTENT = INJECTIONS.map((text, i) => `Answer part ${i}: ${text} end ${i}.`).join(" ");
const REASONING = INJECTIONS.map((text, i) => `Thought ${i}${text}`).join("");

Deno.test("sse injection: framing-shaped model text stays inside content chunks end to end", async () => {
  const fake = await startFakeOpenAi();
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: "sk-test-injection",
    model: "fake-model",
    idleTimeoutMs: 5000,
  });
  const server = await startTestServer({ provider });
  try {
    for (const chunkSize of [1, 3, 64]) {
      fake.enqueue({ content: CONTENT, reasoning: REASONING, chunkSize });
      const response = await fetch(`${server.origin}/api/chat/stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "Tell me about SSE" }),
      });
      const raw = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder().decode(raw);
      assert.equal(text.includes("\r"), false, "A raw CR reached the wire");
      const lines = text.split("\n");
      const stray = lines.filter((line) =>
        !/^(|retry: 1000|id: [A-Za-z0-9_-]+\.\d+|data: \{.*\})$/s.test(line)
      );
      assert.deepEqual(stray, [], "A line of the stream is not one the encoder writes");

      // The client's view: one message per event, no event field, no retry but the stream's own.
      const decoder = createSseDecoder();
      const messages = [...decoder.push(raw.subarray(0, 7)), ...decoder.push(raw.subarray(7))];
      assert.ok(messages.every((m) => m.event === undefined), "A message carries an event field");
      assert.ok(messages.every((m) => m.retry === undefined), "A message carries a retry field");
      assert.equal(decoder.reconnectionTime, 1000);
      const events = messages.map((m) => {
        const parsed = parseEvent(m.data);
        assert.ok(parsed.ok, `Invalid frame: ${m.data.slice(0, 80)}`);
        return parsed.event;
      }) as Exclude<StreamEvent, { type: "heartbeat" }>[];
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
      assert.deepEqual(messages.map((m) => m.id), events.map((e) => `${e.runId}.${e.seq}`));
      assert.equal(events.at(-1)?.type, "stream_done");
      const panel = (name: string) =>
        events.filter((e) => e.type === "content_chunk" && e.panel === name).map((e) => e.content)
          .join("");
      assert.equal(panel("chat"), CONTENT);
      assert.equal(panel("reasoning"), REASONING);
    }
  } finally {
    await server.close();
    await fake.close();
  }
});
