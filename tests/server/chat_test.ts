import assert from "node:assert/strict";
import { StreamEvent } from "../../protocol/events.ts";
import type { CompletionRequest } from "../../server/providers/provider.ts";
import { sha256Hex } from "../../server/runs/digest.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import { makeApp, panelText, readEvents, scriptProvider } from "./harness.ts";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** A provider that thinks, then answers, recording what it was asked. */
function thinkingProvider() {
  const provider = scriptProvider([{
    deltas: [
      { channel: "reasoning", text: "Consider renal " },
      { channel: "reasoning", text: "perfusion first." },
      { channel: "answer", text: "Stop the ibuprofen " },
      { channel: "answer", text: "and recheck creatinine in 48 hours." },
    ],
  }]);
  const requests: Omit<CompletionRequest, "signal">[] = [];
  const stream = provider.stream.bind(provider);
  provider.stream = (request) => {
    const { signal: _signal, onActivity: _onActivity, onUsage: _onUsage, ...fields } = request;
    requests.push(structuredClone(fields));
    return stream(request);
  };
  return { provider, requests };
}

Deno.test("chat stream emits reasoning then the answer in one reply stage", async () => {
  const { provider } = thinkingProvider();
  const h = makeApp({ provider });
  try {
    const events = await readEvents(
      await h.app.request("/api/chat/stream", json({ message: "What next?" })),
    );
    for (const event of events) StreamEvent.parse(event);
    const marks = events.filter((e) => e.type !== "content_chunk").map((e) =>
      `${e.type}:${e.panel}`
    );
    assert.deepEqual(marks, [
      "run_start:reasoning",
      "stage_start:reasoning",
      "stage_complete:reasoning",
      "stage_start:chat",
      "stage_complete:chat",
      "stream_done:chat",
    ]);
    assert.ok(events.every((e) => e.stage === "reply"));
    assert.equal(panelText(events, "reasoning"), "Consider renal perfusion first.");
    assert.equal(
      panelText(events, "chat"),
      "Stop the ibuprofen and recheck creatinine in 48 hours.",
    );
    const done = events[events.length - 1];
    assert.ok(done.type === "stream_done");
    assert.equal(
      done.metadata.digest.chat,
      sha256Hex("Stop the ibuprofen and recheck creatinine in 48 hours."),
    );
    const start = events[0];
    assert.ok(start.type === "run_start");
    assert.equal(start.metadata.kind, "chat");
    assert.match(start.metadata.conversation_id ?? "", /^[A-Za-z0-9_-]{22}$/);
  } finally {
    h.close();
  }
});

Deno.test("chat sends the conversation's earlier messages and the case to the model", async () => {
  const { provider, requests } = thinkingProvider();
  const h = makeApp({ provider });
  try {
    const first = await (await h.app.request(
      "/api/chat/messages",
      json({ message: "First?", caseId: "aki-nsaids" }),
    ))
      .json();
    await readEvents(await h.app.request(first.streamUrl));
    const second = await (await h.app.request(
      "/api/chat/messages",
      json({ message: "Second?", conversationId: first.conversationId }),
    )).json();
    await readEvents(await h.app.request(second.streamUrl));
    assert.equal(second.conversationId, first.conversationId);
    const history = [
      { role: "user", content: "First?" },
      { role: "assistant", content: "Stop the ibuprofen and recheck creatinine in 48 hours." },
      { role: "user", content: "Second?" },
    ];
    const { messages, ...rest } = requests[1];
    assert.deepEqual(rest, {
      purpose: "chat",
      stage: "reply",
      caseId: "aki-nsaids",
      maxTokens: 4096,
      history,
    });
    assert.deepEqual(messages.map((m) => m.role), [
      "system",
      "user",
      ...history.map((m) => m.role),
    ]);
    assert.match(messages[1].content, /^# Case record \(reference data\)/);
    assert.match(messages[1].content, /"id": "aki-nsaids"/);
    assert.deepEqual(messages.slice(2), history);
  } finally {
    h.close();
  }
});

Deno.test("chat messages endpoint answers 201 with the run's urls", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request("/api/chat/messages", json({ message: "Hello" }));
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      "cancelUrl",
      "conversationId",
      "runId",
      "streamUrl",
    ]);
    assert.equal(body.streamUrl, `/api/runs/${body.runId}/stream`);
    assert.equal(body.cancelUrl, `/api/runs/${body.runId}/cancel`);
    await readEvents(await h.app.request(body.streamUrl));
  } finally {
    h.close();
  }
});

Deno.test("chat saves both messages, readable from the conversation endpoint", async () => {
  const { provider } = thinkingProvider();
  const h = makeApp({ provider });
  try {
    const { conversationId, runId, streamUrl } = await (await h.app.request(
      "/api/chat/messages",
      json({ message: "Plan?" }),
    )).json();
    await readEvents(await h.app.request(streamUrl));
    const conversation = await (await h.app.request(`/api/conversations/${conversationId}`)).json();
    assert.equal(conversation.id, conversationId);
    const view = conversation.messages.map((
      m: Record<string, unknown>,
    ) => [m.role, m.content, m.reasoning, m.status, m.runId]);
    assert.deepEqual(view, [
      ["user", "Plan?", "", "complete", runId],
      [
        "assistant",
        "Stop the ibuprofen and recheck creatinine in 48 hours.",
        "Consider renal perfusion first.",
        "complete",
        runId,
      ],
    ]);
    for (const m of conversation.messages) {
      assert.equal(typeof m.createdAt, "number");
      assert.match(m.id, /^[A-Za-z0-9_-]{22}$/);
    }
  } finally {
    h.close();
  }
});

Deno.test("chat starts no run when the user message cannot be saved", async () => {
  const { provider, requests } = thinkingProvider();
  const store = openSqliteStore(":memory:");
  store.addMessage = () => {
    throw new Error("Disk full");
  };
  const h = makeApp({ provider, store });
  try {
    const response = await h.app.request("/api/chat/messages", json({ message: "Plan?" }));
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.code, "internal");
    // A started run would have reached the model by the next macrotask.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(requests, []);
    assert.equal(h.app.context.registry.running, 0);
  } finally {
    h.close();
    store.close();
  }
});

Deno.test("chat batch endpoint returns the whole reply as JSON", async () => {
  const { provider } = thinkingProvider();
  const h = makeApp({ provider, config: { streamingEnabled: false } });
  try {
    const response = await h.app.request("/api/chat", json({ message: "Plan?" }));
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.status, "complete");
    assert.equal(body.message.role, "assistant");
    assert.equal(body.message.content, "Stop the ibuprofen and recheck creatinine in 48 hours.");
    assert.equal(body.message.reasoning, "Consider renal perfusion first.");
    assert.equal(body.panels.chat, body.message.content);
  } finally {
    h.close();
  }
});

Deno.test("chat without reasoning still opens and closes the reasoning section empty", async () => {
  const h = makeApp({
    provider: scriptProvider([{ deltas: [{ channel: "answer", text: "Fine." }] }]),
  });
  try {
    const events = await readEvents(
      await h.app.request("/api/chat/stream", json({ message: "Ok?" })),
    );
    const complete = events.find((e) => e.type === "stage_complete" && e.panel === "reasoning");
    assert.ok(complete?.type === "stage_complete" && complete.metadata.chunk_count === 0);
    assert.equal(panelText(events, "chat"), "Fine.");
  } finally {
    h.close();
  }
});

Deno.test("chat with the scripted model answers about the case", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(
      await h.app.request(
        "/api/chat/stream",
        json({ message: "Which labs matter?", caseId: "aki-nsaids" }),
      ),
    );
    assert.equal(events[events.length - 1].type, "stream_done");
    assert.ok(panelText(events, "chat").length > 20);
  } finally {
    h.close();
  }
});
