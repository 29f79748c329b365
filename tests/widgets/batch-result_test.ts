import assert from "node:assert/strict";
import type { StreamEvent } from "../../protocol/events.ts";
import { batchEvents, BatchResult } from "../../widgets/connection/batch-result.ts";
import { sha256Hex } from "../../protocol/sha256.ts";
import { verifyDigest } from "../../widgets/integrity.ts";
import { reduce } from "../../widgets/state/reducer.ts";
import { initialStreamState, viewOf } from "../../widgets/state/stream-state.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { RUN } from "./fixtures.ts";

/** The server's digest of the workflow below: SHA-256 of each panel's whole text. */
const digest = {
  reasoning: await sha256Hex("Pain.Aspirin."),
  chat: await sha256Hex("ACS.Treat."),
};

const workflow = BatchResult.parse({
  runId: RUN,
  kind: "workflow",
  status: "complete",
  lastSeq: 20,
  panels: { reasoning: "Pain.Aspirin.", chat: "ACS.Treat." },
  stages: [
    { stage: "initial", title: "Initial", reasoning: "Pain.", chat: "ACS." },
    { stage: "plan", title: "Plan", reasoning: "Aspirin.", chat: "Treat." },
  ],
  digest,
});

/** The replay of `result`, and whether its rendered text verifies against its `stream_done`. */
async function replay(result: BatchResult) {
  const events = batchEvents(result, { now: 7 });
  const state = events.reduce(reduce, initialStreamState());
  const done = events.at(-1) as Extract<StreamEvent, { type: "stream_done" }>;
  return { state, verified: await verifyDigest(state, done.metadata.digest) };
}

Deno.test("batchEvents replays a workflow result as the events of its stream", () => {
  const events = batchEvents(workflow, { now: 7 });
  assert.deepEqual(
    events.map((event) =>
      event.type === "heartbeat"
        ? ""
        : `${event.seq}:${event.type}:${event.stage}:${event.panel}:${event.content}`
    ),
    [
      "1:run_start:initial:reasoning:",
      "2:stage_start:initial:reasoning:",
      "3:content_chunk:initial:reasoning:Pain.",
      "4:stage_complete:initial:reasoning:",
      "5:stage_start:initial:chat:",
      "6:content_chunk:initial:chat:ACS.",
      "7:stage_complete:initial:chat:",
      "8:stage_start:plan:reasoning:",
      "9:content_chunk:plan:reasoning:Aspirin.",
      "10:stage_complete:plan:reasoning:",
      "11:stage_start:plan:chat:",
      "12:content_chunk:plan:chat:Treat.",
      "13:stage_complete:plan:chat:",
      "14:stream_done:plan:chat:",
    ],
  );
  assert.deepEqual(events[0].type === "run_start" && events[0].metadata, {
    kind: "workflow",
    stages: [
      { stage: "initial", panel: "reasoning", title: "Initial" },
      { stage: "initial", panel: "chat", title: "Initial" },
      { stage: "plan", panel: "reasoning", title: "Plan" },
      { stage: "plan", panel: "chat", title: "Plan" },
    ],
  });
  assert.deepEqual(events[13].type === "stream_done" && events[13].metadata, {
    finish_reason: "stop",
    chunk_count: 4,
    digest,
  });
});

Deno.test("batchEvents renders the same panel text as the stream would", () => {
  const view = viewOf(batchEvents(workflow, { now: 7 }).reduce(reduce, initialStreamState()));
  assert.equal(panelText(view, "reasoning"), "Pain.Aspirin.");
  assert.equal(panelText(view, "chat"), "ACS.Treat.");
  assert.equal(view.status, "done");
  assert.deepEqual(view.messages.map((message) => [message.title, message.content]), [[
    "Initial",
    "ACS.",
  ], ["Plan", "Treat."]]);
});

Deno.test("batchEvents leaves a failed run's last section interrupted, with its error", () => {
  const failed = BatchResult.parse({
    ...workflow,
    status: "error",
    panels: { reasoning: "Pain.", chat: "" },
    error: { code: "upstream_error", message: "The model failed" },
    stages: [{ stage: "initial", title: "Initial", reasoning: "Pain.", chat: "" }],
  });
  const view = batchEvents(failed, { now: 7 }).reduce(reduce, initialStreamState());
  assert.deepEqual(view.sections.reasoning.map((section) => [section.status, section.text]), [[
    "error",
    "Pain.",
  ]]);
  assert.deepEqual(view.sections.chat.map((section) => section.status), ["pending"]);
  assert.deepEqual(view.error, {
    code: "upstream_error",
    message: "The model failed",
    retryAvailable: true,
  });
  assert.equal(view.status, "error");
});

Deno.test("batchEvents replays a chat result into its conversation's reply", () => {
  const chat = BatchResult.parse({
    conversationId: "c1",
    runId: RUN,
    kind: "chat",
    status: "complete",
    lastSeq: 9,
    panels: { reasoning: "Think", chat: "Answer" },
    message: { id: "m2" },
  });
  const view = viewOf(batchEvents(chat, { now: 7 }).reduce(reduce, initialStreamState()));
  assert.equal(view.conversationId, "c1");
  assert.deepEqual(view.sections.reasoning.map((section) => [section.title, section.text]), [[
    "Reasoning",
    "Think",
  ]]);
  assert.deepEqual(view.messages, [
    { id: `${RUN}:reply`, role: "assistant", content: "Answer", status: "complete", runId: RUN },
  ]);
});

Deno.test("batch replay verifies against the digest the server sent", async () => {
  assert.equal((await replay(workflow)).verified, true);
});

Deno.test("batch replay does not verify an answer whose text differs from the server's digest", async () => {
  const tampered = BatchResult.parse({
    ...workflow,
    stages: [
      { stage: "initial", title: "Initial", reasoning: "Pain.", chat: "ACS." },
      { stage: "plan", title: "Plan", reasoning: "Aspirin 300 mg.", chat: "Treat." },
    ],
  });
  const { state, verified } = await replay(tampered);
  assert.equal(panelText(state, "reasoning"), "Pain.Aspirin 300 mg.");
  assert.equal(verified, false);
});

Deno.test("batch replay of an answer without a digest does not verify", async () => {
  const { digest: _sent, ...unsigned } = workflow;
  const { state, verified } = await replay(BatchResult.parse(unsigned));
  assert.equal(panelText(state, "reasoning"), "Pain.Aspirin.");
  assert.equal(verified, false);
});

Deno.test("BatchResult rejects a digest that is not hex SHA-256", () => {
  assert.equal(
    BatchResult.safeParse({ ...workflow, digest: { reasoning: "abc", chat: "def" } }).success,
    false,
  );
});
