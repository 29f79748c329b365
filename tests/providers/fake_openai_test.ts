import assert from "node:assert/strict";
import { DEFAULT_FAKE_REPLY, startFakeOpenAi } from "../support/fake-openai.ts";

Deno.test("fake OpenAI streams chat.completion.chunk frames ending with [DONE]", async () => {
  const fake = await startFakeOpenAi();
  try {
    fake.enqueue({ content: "Hi there", chunkSize: 4 });
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
    });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    assert.equal(frames.at(-1), "data: [DONE]");
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice("data: ".length)));
    assert.deepEqual(chunks.map((chunk) => chunk.choices[0]), [
      { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null },
      { index: 0, delta: { content: "Hi t" }, finish_reason: null },
      { index: 0, delta: { content: "here" }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: "stop" },
    ]);
    for (const chunk of chunks) {
      assert.equal(chunk.object, "chat.completion.chunk");
      assert.equal(chunk.id, chunks[0].id);
    }
    assert.equal(fake.requests[0].aborted, false);
    assert.ok(fake.requests[0].endedAt! >= fake.requests[0].receivedAt);
  } finally {
    await fake.close();
  }
});

Deno.test("fake OpenAI answers one JSON completion when stream is false", async () => {
  const fake = await startFakeOpenAi();
  try {
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    const body = await response.json();
    assert.equal(body.object, "chat.completion");
    assert.deepEqual(body.choices[0].message, {
      role: "assistant",
      content: DEFAULT_FAKE_REPLY.content,
    });
    assert.equal(body.choices[0].finish_reason, "stop");
  } finally {
    await fake.close();
  }
});

Deno.test("fake OpenAI records a client abort of a stalled stream", async () => {
  const fake = await startFakeOpenAi();
  try {
    fake.enqueue({ content: "abcdefgh", fault: { kind: "stall", afterChars: 2 } });
    const controller = new AbortController();
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    const abortedAt = Date.now();
    controller.abort();
    await reader.closed.catch(() => {});
    const deadline = Date.now() + 1_000;
    while (!fake.requests[0].aborted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(fake.requests[0].aborted, true);
    assert.ok(fake.requests[0].abortedAt! - abortedAt < 250);
    assert.equal(fake.requests[0].endedAt, undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("fake OpenAI waitForRequests rejects when too few requests arrive", async () => {
  const fake = await startFakeOpenAi();
  try {
    await assert.rejects(fake.waitForRequests(1, 20), /Expected 1 requests, got 0/);
  } finally {
    await fake.close();
  }
});

Deno.test("fake OpenAI close ends a stalled stream that nobody aborted", async () => {
  const fake = await startFakeOpenAi();
  fake.enqueue({ content: "abcdefgh", fault: { kind: "stall", afterChars: 2 } });
  const response = await fetch(`${fake.baseURL}/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ stream: true }),
  });
  await fake.waitForRequests(1, 1_000);
  await fake.close();
  const text = await response.text();
  assert.ok(!text.includes("[DONE]"));
});
