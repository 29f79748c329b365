/**
 * What real OpenAI-compatible servers send, replayed by the local test server through the `openai`
 * provider: content filters, keep-alives, one huge delta, refusals, tool calls, reasoning after
 * the answer began, and requests the model service refuses (DESIGN §3, upstream behaviour).
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { digestOf } from "../../server/runs/digest.ts";
import type { FakeStep } from "../support/fake-openai.ts";
import { panelText, readEvents, waitFor } from "./harness.ts";
import { chat, chatWith, follow, rig } from "./openai-rig.ts";

const delta = (fields: Record<string, unknown>, finish: string | null = null): FakeStep => ({
  chunk: { choices: [{ index: 0, delta: fields, finish_reason: finish }] },
});
const finish = (reason: string): FakeStep => delta({}, reason);

function errorOf(events: SequencedEvent[]) {
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error", "an error event");
  return error;
}

function doneOf(events: SequencedEvent[]) {
  const done = events.at(-1);
  assert.ok(done?.type === "stream_done", "ends with stream_done");
  return done;
}

Deno.test("a content-filtered answer keeps its text, marked incomplete, with no Retry", async () => {
  const r = await rig();
  try {
    const { started, events } = await chatWith(r, {
      content: "",
      script: [delta({ content: "Likely NSTEMI. Start asp" }), finish("content_filter")],
    });
    assert.equal(panelText(events, "chat"), "Likely NSTEMI. Start asp");
    const error = errorOf(events);
    assert.deepEqual(error.metadata, { error_code: "content_filtered", retry_available: false });
    const done = doneOf(events);
    assert.equal(done.metadata.finish_reason, "error");
    assert.deepEqual(
      done.metadata.digest,
      digestOf({ reasoning: "", chat: "Likely NSTEMI. Start asp" }),
    );
    await waitFor(() => r.h.store.getConversation(started.conversationId)!.messages.length === 2);
    const saved = r.h.store.getConversation(started.conversationId)!.messages[1];
    assert.deepEqual([saved.status, saved.content], ["error", "Likely NSTEMI. Start asp"]);
  } finally {
    await r.close();
  }
});

Deno.test("chunks without text and keep-alive comments are activity for the idle timeout", async () => {
  const r = await rig({}, 2000);
  try {
    const quiet = (step: FakeStep) => Array.from({ length: 10 }, () => ({ ...step, waitMs: 300 }));
    for (
      const filler of [
        delta({ content: "" }),
        delta({ tool_calls: [{ index: 0, function: { arguments: "" } }] }),
        { raw: ": OPENROUTER PROCESSING\n\n" },
      ]
    ) {
      const { events } = await chatWith(r, {
        content: "",
        script: [...quiet(filler), delta({ content: "Troponin is rising." }), finish("stop")],
      });
      const done = doneOf(events);
      // The tool-call filler is refused at its end, but not as a timeout.
      const expected =
        "tool_calls" in (filler.chunk?.choices as { delta: object }[] ?? [{ delta: {} }])[0].delta
          ? "upstream_error"
          : undefined;
      const error = events.find((e) => e.type === "error");
      assert.equal(error?.type === "error" ? error.metadata.error_code : undefined, expected);
      if (!expected) assert.equal(done.metadata.finish_reason, "stop");
    }
  } finally {
    await r.close();
  }
});

Deno.test("one 200 KB delta reaches every live viewer whole; no viewer is dropped", async () => {
  // Its frames pass the default MAX_RUN_BYTES: this is about bursts, not bounds.
  const r = await rig({ maxRunBytes: 64 * 1024 * 1024 });
  try {
    const letter = "Dear colleague, thank you for seeing Mr Smith. ".repeat(4300).slice(0, 200_000);
    r.fake.enqueue({
      content: "",
      script: [
        { ...delta({ content: "Letter:" }), waitMs: 200 },
        delta({ content: letter }),
        finish("stop"),
      ],
    });
    const { streamUrl } = await chat(r);
    const viewers = await Promise.all([follow(r, streamUrl), follow(r, streamUrl)]);
    for (const events of viewers) {
      assert.equal(panelText(events, "chat"), "Letter:" + letter);
      assert.equal(doneOf(events).metadata.finish_reason, "stop");
    }
    assert.equal(r.h.logs.filter((line) => line.includes('"viewer_dropped"')).length, 0);
  } finally {
    await r.close();
  }
});

Deno.test("a refusal is the answer's text", async () => {
  const r = await rig();
  try {
    const refusal = "I can't help with dosing outside the protocol.";
    const { events } = await chatWith(r, {
      content: "",
      script: [
        delta({ refusal: refusal.slice(0, 20) }),
        delta({ refusal: refusal.slice(20) }),
        finish("stop"),
      ],
    });
    assert.equal(panelText(events, "chat"), refusal);
    assert.equal(doneOf(events).metadata.finish_reason, "stop");
  } finally {
    await r.close();
  }
});

Deno.test("a stream of tool calls is an upstream error that says so, with no Retry", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(r, {
      content: "",
      script: [
        delta({
          tool_calls: [{
            index: 0,
            id: "c1",
            type: "function",
            function: { name: "lookup", arguments: "" },
          }],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }),
        finish("tool_calls"),
      ],
    });
    const error = errorOf(events);
    assert.deepEqual(error.metadata, { error_code: "upstream_error", retry_available: false });
    assert.match(error.content, /tools/);
    assert.equal(doneOf(events).metadata.finish_reason, "error");
  } finally {
    await r.close();
  }
});

Deno.test("reasoning that comes after the answer began reaches the reasoning panel", async () => {
  const r = await rig();
  try {
    const { events } = await chatWith(r, {
      content: "",
      script: [
        delta({ reasoning_content: "Chest pain, raised troponin. " }),
        delta({ content: "This looks like NSTEMI. " }),
        delta({ reasoning: "Check renal function before contrast." }),
        delta({ content: "Start the ACS pathway." }),
        finish("stop"),
      ],
    });
    assert.equal(
      panelText(events, "reasoning"),
      "Chest pain, raised troponin. Check renal function before contrast.",
    );
    assert.equal(panelText(events, "chat"), "This looks like NSTEMI. Start the ACS pathway.");
    // Chunk indexes go on where the reopened section stopped.
    const indexes = events.flatMap((e) =>
      e.type === "content_chunk" && e.panel === "reasoning" ? [e.metadata.chunk_index] : []
    );
    assert.deepEqual(indexes, indexes.map((_, i) => i));
    const done = doneOf(events);
    assert.equal(done.metadata.finish_reason, "stop");
    assert.equal(
      done.metadata.chunk_count,
      events.filter((e) => e.type === "content_chunk").length,
    );
  } finally {
    await r.close();
  }
});

Deno.test("a workflow stage keeps the model's thinking apart from its analysis", async () => {
  const r = await rig();
  try {
    r.fake.enqueue({
      content: "",
      script: [
        delta({ reasoning_content: "The ECG and troponin point to NSTEMI." }),
        delta({ content: "## Initial assessment\n\nA 54-year-old man." }),
        finish("stop"),
      ],
    });
    const response = await fetch(
      `${r.origin}/api/cases/chest-pain-acs/workflow/stages/initial/stream`,
    );
    const events = await readEvents(response);
    assert.equal(
      panelText(events, "reasoning"),
      "The ECG and troponin point to NSTEMI.\n\n## Initial assessment\n\nA 54-year-old man.",
    );
  } finally {
    await r.close();
  }
});

for (const status of [400, 401, 403]) {
  Deno.test(`an upstream ${status} is a refused request, with no Retry and no second attempt`, async () => {
    const r = await rig();
    try {
      const { events } = await chatWith(r, { content: "", fault: { kind: "status", status } });
      const error = errorOf(events);
      assert.deepEqual(error.metadata, { error_code: "upstream_error", retry_available: false });
      assert.equal(error.content, "The model service refused the request");
      assert.equal(r.fake.requests.length, 1);
    } finally {
      await r.close();
    }
  });
}
