/**
 * Output bounds (DESIGN §9): a run ends with `finish_reason: "length"` once its frames pass
 * MAX_RUN_BYTES, its text kept and verified by the digest; a chat sends upstream only the newest
 * turns of its conversation that fit HISTORY_MAX_CHARS.
 */
import assert from "node:assert/strict";
import { digestOf } from "../../server/runs/digest.ts";
import type { CompletionRequest } from "../../server/providers/provider.ts";
import { makeApp, panelText, readEvents, scriptProvider } from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };
const MIB = 1024 * 1024;

Deno.test("run bound: a 1,000,000-character reply ends as length near MAX_RUN_BYTES, text kept", async () => {
  const word = "creatinine ";
  const reply = word.repeat(Math.ceil(1_000_000 / word.length)).slice(0, 1_000_000);
  // Deltas of 1000 characters, and one of 200,000 in the middle: bounded either way.
  const deltas = [
    ...Array.from({ length: 300 }, (_, i) => reply.slice(i * 1000, (i + 1) * 1000)),
    reply.slice(300_000, 500_000),
    ...Array.from({ length: 500 }, (_, i) => reply.slice(500_000 + i * 1000, 501_000 + i * 1000)),
  ].map((text) => ({ channel: "answer" as const, text }));
  const provider = scriptProvider([{ deltas }]);
  const h = makeApp({ provider });
  try {
    const response = await h.app.request("/api/chat/stream", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ message: "Everything?" }),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const events = await readEvents(new Response(bytes));
    const done = events.at(-1)!;
    assert.equal(done.type, "stream_done");
    assert.equal(done.type === "stream_done" && done.metadata.finish_reason, "length");
    const text = panelText(events, "chat");
    assert.ok(reply.startsWith(text), "the kept text is not the reply's beginning");
    assert.ok(text.length > 100_000, `only ${text.length} characters kept`);
    assert.deepEqual(
      done.type === "stream_done" && done.metadata.digest,
      digestOf({ reasoning: "", chat: text }),
    );
    // The bound holds within one written piece (1024 characters of chunk frames).
    assert.ok(bytes.length <= 4 * MIB + 64 * 1024, `${bytes.length} bytes of frames`);
    assert.ok(bytes.length >= 4 * MIB, `${bytes.length} bytes of frames`);
    const run = h.app.context.registry.get(done.runId)!;
    assert.equal(run.status, "complete");
    console.log(
      `run bound: ${events.length} events, ${(bytes.length / MIB).toFixed(2)} MiB of frames, ` +
        `${text.length} of 1,000,000 characters kept`,
    );
  } finally {
    h.close();
  }
});

Deno.test("history bound: only the newest turns that fit HISTORY_MAX_CHARS go upstream", async () => {
  const requests: Pick<CompletionRequest, "history" | "messages">[] = [];
  const replies = ["A".repeat(40), "B".repeat(40), "C".repeat(40)];
  let call = 0;
  const provider = scriptProvider([{ deltas: [] }]);
  provider.stream = async function* (request) {
    requests.push({ history: request.history, messages: request.messages });
    yield { channel: "answer", text: replies[call++] };
    return "stop";
  };
  const h = makeApp({ provider, config: { historyMaxChars: 100 } });
  try {
    let conversationId: string | undefined;
    for (const message of ["first ".repeat(5), "second ".repeat(5), "third"]) {
      const response = await h.app.request("/api/chat/stream", {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify({ message, ...(conversationId ? { conversationId } : {}) }),
      });
      const events = await readEvents(response);
      conversationId ??= (events[0].metadata as { conversation_id: string }).conversation_id;
    }
    // 30 + 40 + 35 + 40 characters came before "third": the newest that fit 100 are 35 + 40.
    assert.deepEqual(requests[2].history, [
      { role: "user", content: "second ".repeat(5) },
      { role: "assistant", content: "B".repeat(40) },
      { role: "user", content: "third" },
    ]);
    // The prompt the model is sent is built from those turns only.
    const prompt = JSON.stringify(requests[2].messages);
    assert.ok(!prompt.includes("first"), "the oldest turn reached the model");
    assert.ok(!prompt.includes("A".repeat(40)), "the oldest reply reached the model");
    assert.ok(prompt.includes("B".repeat(40)));
  } finally {
    h.close();
  }
});
