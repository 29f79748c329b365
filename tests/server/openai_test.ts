/** Runs against a real OpenAI-compatible server over sockets: cancel, orphans, upstream faults. */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { FakeReply } from "../support/fake-openai.ts";
import { panelText, waitFor } from "./harness.ts";
import { chat, chatWith, follow, type Rig, rig } from "./openai-rig.ts";

const LONG = "Creatinine has risen from 0.9 to 2.7 mg/dL over four days while taking ibuprofen. "
  .repeat(6);

function last(events: SequencedEvent[]) {
  return events[events.length - 1];
}

/** The server still serves a healthy run after a fault. */
async function assertStillServing(r: Rig) {
  const { events } = await chatWith(r, { content: "All clear." });
  assert.equal(panelText(events, "chat"), "All clear.");
  const done = last(events);
  assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "stop");
}

function assertErrorEnd(events: SequencedEvent[], code: string) {
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error", "an error event");
  assert.deepEqual(error.metadata, { error_code: code, retry_available: true });
  assert.ok(!/injected|fake|127\.0\.0\.1|http|key/i.test(error.content), "sanitized message");
  const done = last(events);
  assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "error");
}

Deno.test("openai run streams the reply and reasoning from a real chat-completions stream", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(r, { reasoning: "Think about NSAIDs.", content: LONG });
    assert.equal(panelText(events, "reasoning"), "Think about NSAIDs.");
    assert.equal(panelText(events, "chat"), LONG);
    for (const e of events) if (e.type === "content_chunk") assert.ok(e.content.length <= 10);
  } finally {
    await r.close();
  }
});

Deno.test("cancel reaches every viewer, aborts the upstream within 250 ms and saves the partial", async () => {
  const r = await rig();
  try {
    r.fake.enqueue({ content: LONG, chunkSize: 3, delayMs: 15 });
    const { runId, conversationId, streamUrl } = await chat(r);
    const viewers = [follow(r, streamUrl), follow(r, streamUrl)];
    const run = r.h.app.context.registry.get(runId)!;
    await waitFor(() => run.log.panels.chat.length > 20);
    const cancelledAt = Date.now();
    const response = await fetch(`${r.origin}/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual([response.status, await response.json()], [200, { status: "cancelled" }]);
    for (const events of await Promise.all(viewers)) {
      const done = last(events);
      assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "cancelled");
    }
    await waitFor(() => r.fake.requests[0].aborted, 1000);
    assert.ok(r.fake.requests[0].abortedAt! - cancelledAt <= 250, "upstream aborted within 250 ms");
    await waitFor(() => r.h.store.getConversation(conversationId)!.messages.length === 2);
    const saved = r.h.store.getConversation(conversationId)!.messages[1];
    assert.equal(saved.status, "cancelled");
    assert.ok(saved.content.length > 20 && LONG.startsWith(saved.content));
    const again = await fetch(`${r.origin}/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual([again.status, await again.json()], [409, { status: "finished" }]);
  } finally {
    await r.close();
  }
});

Deno.test("a viewer disconnecting does not cancel the run", async () => {
  const r = await rig();
  try {
    const content = "Short reply, paced slowly enough to outlive the viewer.";
    r.fake.enqueue({ content, chunkSize: 4, delayMs: 10 });
    const { runId, streamUrl } = await chat(r);
    const abort = new AbortController();
    const response = await fetch(`${r.origin}${streamUrl}`, { signal: abort.signal });
    await response.body!.getReader().read();
    abort.abort();
    const run = r.h.app.context.registry.get(runId)!;
    await run.done;
    assert.equal(run.status, "complete");
    assert.equal(run.log.panels.chat, content);
    assert.equal(r.fake.requests[0].aborted, false);
  } finally {
    await r.close();
  }
});

Deno.test("a run without viewers for the orphan grace is cancelled and its upstream aborted", async () => {
  const r = await rig({ orphanGraceMs: 100 });
  try {
    r.fake.enqueue({ content: LONG, chunkSize: 2, delayMs: 20 });
    const { runId, conversationId, streamUrl } = await chat(r);
    const abort = new AbortController();
    const response = await fetch(`${r.origin}${streamUrl}`, { signal: abort.signal });
    await response.body!.getReader().read();
    abort.abort();
    const run = r.h.app.context.registry.get(runId)!;
    await run.done;
    assert.equal(run.status, "cancelled");
    await waitFor(() => r.fake.requests[0].aborted, 1000);
    await waitFor(() => r.h.store.getConversation(conversationId)!.messages.length === 2);
    assert.equal(r.h.store.getConversation(conversationId)!.messages[1].status, "cancelled");
  } finally {
    await r.close();
  }
});

Deno.test("upstream 429 is retried after Retry-After, then the run succeeds", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(
      r,
      { content: "", fault: { kind: "status", status: 429, retryAfter: "0.3" } },
      { content: "Recovered answer." },
    );
    assert.equal(panelText(events, "chat"), "Recovered answer.");
    assert.equal(r.fake.requests.length, 2);
    const waited = r.fake.requests[1].receivedAt - r.fake.requests[0].endedAt!;
    assert.ok(waited >= 280, `waited ${waited} ms`);
  } finally {
    await r.close();
  }
});

Deno.test("upstream 500s end the run with a sanitized error and the server keeps serving", async () => {
  const r = await rig();
  try {
    const failure: FakeReply = {
      content: "",
      fault: { kind: "status", status: 500, retryAfter: "0" },
    };
    const { events } = await chatWith(r, failure, failure, failure);
    assertErrorEnd(events, "upstream_error");
    await assertStillServing(r);
  } finally {
    await r.close();
  }
});

Deno.test("an upstream error mid-stream keeps the partial text and ends with error", async () => {
  const r = await rig();
  try {
    const { started, events } = await chatWith(r, {
      content: LONG,
      fault: { kind: "error_mid", afterChars: 40 },
    });
    assertErrorEnd(events, "upstream_error");
    const partial = panelText(events, "chat");
    assert.ok(partial.length > 0 && LONG.startsWith(partial));
    await waitFor(() => r.h.store.getConversation(started.conversationId)!.messages.length === 2);
    const saved = r.h.store.getConversation(started.conversationId)!.messages[1];
    assert.deepEqual([saved.status, saved.content], ["error", partial]);
    await assertStillServing(r);
  } finally {
    await r.close();
  }
});

Deno.test("a silent upstream ends the run with upstream_timeout", async () => {
  const r = await rig({}, 200);
  try {
    const { events } = await chatWith(r, {
      content: LONG,
      fault: { kind: "stall", afterChars: 30 },
    });
    assertErrorEnd(events, "upstream_timeout");
    assert.ok(LONG.startsWith(panelText(events, "chat")));
    await assertStillServing(r);
  } finally {
    await r.close();
  }
});

Deno.test("an upstream stream ending without a finish reason is upstream_error", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(r, { content: "Cut short", finishReason: null });
    assertErrorEnd(events, "upstream_error");
    assert.equal(panelText(events, "chat"), "Cut short");
    await assertStillServing(r);
  } finally {
    await r.close();
  }
});

Deno.test("malformed upstream chunks end the run with upstream_error", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(r, {
      content: LONG,
      fault: { kind: "malformed", afterChars: 12 },
    });
    assertErrorEnd(events, "upstream_error");
    await assertStillServing(r);
  } finally {
    await r.close();
  }
});
