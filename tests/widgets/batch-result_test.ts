import assert from "node:assert/strict";
import { batchEvents, BatchResult } from "../../widgets/connection/batch-result.ts";
import { initialViewState, panelText, reduce } from "../../widgets/state/reducer.ts";
import { RUN } from "./fixtures.ts";

const digest = { reasoning: "a".repeat(64), chat: "b".repeat(64) };

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
});

Deno.test("batchEvents replays a workflow result as the events of its stream", () => {
  const events = batchEvents(workflow, { digest, now: 7 });
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
  const view = batchEvents(workflow, { digest, now: 7 }).reduce(reduce, initialViewState());
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
  const view = batchEvents(failed, { digest, now: 7 }).reduce(reduce, initialViewState());
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
  const view = batchEvents(chat, { digest, now: 7 }).reduce(reduce, initialViewState());
  assert.equal(view.conversationId, "c1");
  assert.deepEqual(view.sections.reasoning.map((section) => [section.title, section.text]), [[
    "Reasoning",
    "Think",
  ]]);
  assert.deepEqual(view.messages, [
    { id: `${RUN}:reply`, role: "assistant", content: "Answer", status: "complete", runId: RUN },
  ]);
});
