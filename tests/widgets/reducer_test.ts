import assert from "node:assert/strict";
import {
  connectionFailed,
  conversationJoined,
  historyLoaded,
  integrityChecked,
  runRecovered,
  statusChanged,
  userMessageSent,
  workStarted,
} from "../../widgets/state/actions.ts";
import { reduce } from "../../widgets/state/reducer.ts";
import { initialStreamState, type StreamState, viewOf } from "../../widgets/state/stream-state.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { RUN, runEvents, WORKFLOW_PLAN } from "./fixtures.ts";
import type { StreamEvent } from "../../protocol/events.ts";

const apply = (state: StreamState, events: StreamEvent[]) => events.reduce(reduce, state);

/** A workflow run that has streamed the initial stage to both panels and started the plan stage. */
function midWorkflow() {
  const run = runEvents();
  const events = [
    run.start("workflow", WORKFLOW_PLAN),
    run.stageStart("reasoning", "initial", 0, 2, "Initial assessment"),
    run.chunk("reasoning", "initial", "Chest ", 0),
    run.chunk("reasoning", "initial", "pain.", 1),
    run.stageComplete("reasoning", "initial", 2, 0, 2),
    run.stageStart("chat", "initial", 0, 2, "Initial assessment"),
    run.chunk("chat", "initial", "Likely ", 0),
    run.chunk("chat", "initial", "ACS.", 1),
    run.stageComplete("chat", "initial", 2, 0, 2),
    run.stageStart("reasoning", "plan", 1, 2, "Plan"),
    run.chunk("reasoning", "plan", "Aspirin", 0),
  ];
  return { run, events, state: apply(initialStreamState(), events) };
}

Deno.test("reducer starts idle with empty panels", () => {
  assert.deepEqual(viewOf(initialStreamState()), {
    status: "idle",
    lastSeq: 0,
    plan: [],
    sections: { reasoning: [], chat: [] },
    earlier: [],
    messages: [],
  });
});

Deno.test("reducer lays out pending sections per panel in plan order on run_start", () => {
  const run = runEvents();
  const state = reduce(initialStreamState(), run.start("workflow", WORKFLOW_PLAN));
  assert.deepEqual(state.status, "streaming");
  assert.deepEqual(state.runId, RUN);
  assert.deepEqual(state.kind, "workflow");
  assert.deepEqual(state.lastSeq, 1);
  assert.deepEqual(state.plan, WORKFLOW_PLAN);
  assert.deepEqual(state.sections.reasoning, [
    {
      stage: "initial",
      panel: "reasoning",
      title: "Initial assessment",
      stageIndex: 0,
      stageCount: 2,
      status: "pending",
      text: "",
      chunkCount: 0,
    },
    {
      stage: "plan",
      panel: "reasoning",
      title: "Plan",
      stageIndex: 1,
      stageCount: 2,
      status: "pending",
      text: "",
      chunkCount: 0,
    },
  ]);
  assert.deepEqual(state.sections.chat.map((section) => [section.stage, section.status]), [
    ["initial", "pending"],
    ["plan", "pending"],
  ]);
  assert.deepEqual(viewOf(state).messages, []);
});

Deno.test("reducer accumulates text, counts and statuses per section", () => {
  const { state } = midWorkflow();
  assert.deepEqual(
    state.sections.reasoning.map((
      section,
    ) => [section.stage, section.status, section.text, section.chunkCount]),
    [["initial", "complete", "Chest pain.", 2], ["plan", "streaming", "Aspirin", 1]],
  );
  assert.deepEqual(
    state.sections.chat.map((
      section,
    ) => [section.stage, section.status, section.text, section.chunkCount]),
    [["initial", "complete", "Likely ACS.", 2], ["plan", "pending", "", 0]],
  );
  assert.deepEqual(state.lastSeq, 11);
  assert.deepEqual(panelText(state, "reasoning"), "Chest pain.Aspirin");
});

Deno.test("reducer shows a workflow's chat summaries as titled assistant messages", () => {
  const { state } = midWorkflow();
  assert.deepEqual(viewOf(state).messages, [
    {
      id: `${RUN}:initial`,
      role: "assistant",
      content: "Likely ACS.",
      status: "complete",
      runId: RUN,
      title: "Initial assessment",
    },
  ]);
});

Deno.test("reducer holds a reply once, as its chat section, and shows it as a message", () => {
  const { state } = midWorkflow();
  assert.equal("messages" in state, false);
  assert.deepEqual(state.history, []);
  assert.equal(viewOf(state).messages[0].content, state.sections.chat[0].text);
});

Deno.test("reducer shows the replies of a run replayed from its start once", () => {
  const { events, state } = midWorkflow();
  const replayed = apply(workStarted(state), events);
  assert.deepEqual(viewOf(replayed).messages.map((message) => message.id), [`${RUN}:initial`]);
});

Deno.test("reducer ignores heartbeats", () => {
  const { state } = midWorkflow();
  assert.equal(reduce(state, { type: "heartbeat", runId: RUN, ts: 5 }), state);
});

Deno.test("reducer keeps partial text and marks open sections on an error event", () => {
  const { run, state } = midWorkflow();
  const failed = apply(state, [
    run.error("upstream_error", "The model stopped answering", "reasoning", "plan"),
    run.done("error"),
  ]);
  assert.deepEqual(failed.status, "error");
  assert.deepEqual(failed.finishReason, "error");
  assert.deepEqual(failed.error, {
    code: "upstream_error",
    message: "The model stopped answering",
    retryAvailable: true,
  });
  assert.deepEqual(failed.sections.reasoning.map((section) => [section.status, section.text]), [
    ["complete", "Chest pain."],
    ["error", "Aspirin"],
  ]);
  assert.deepEqual(failed.sections.chat[1].status, "pending");
});

Deno.test("reducer ends a cancelled run with its streaming message cancelled", () => {
  const run = runEvents();
  const state = apply(initialStreamState(), [
    run.start("chat", [{ stage: "reply", panel: "chat", title: "Reply" }], "conv1"),
    run.stageStart("chat", "reply", 0, 1, "Reply"),
    run.chunk("chat", "reply", "Start ", 0),
    run.done("cancelled"),
  ]);
  assert.deepEqual(state.status, "cancelled");
  assert.deepEqual(state.finishReason, "cancelled");
  assert.deepEqual(state.conversationId, "conv1");
  assert.deepEqual(viewOf(state).messages, [
    { id: `${RUN}:reply`, role: "assistant", content: "Start ", status: "cancelled", runId: RUN },
  ]);
});

Deno.test("reducer finishes a run as done on stream_done stop", () => {
  const { run, state } = midWorkflow();
  const done = apply(state, [run.stageComplete("reasoning", "plan", 1, 1, 2), run.done("stop")]);
  assert.deepEqual(done.status, "done");
  assert.deepEqual(done.finishReason, "stop");
  assert.deepEqual(done.error, undefined);
});

Deno.test("reducer always applies a seq-0 stream_lost, even for an unseen run", () => {
  const lost: StreamEvent[] = [
    {
      type: "error",
      runId: RUN,
      seq: 0,
      ts: 1,
      panel: "chat",
      stage: "",
      content: "The stream is no longer available",
      metadata: { error_code: "stream_lost", retry_available: true },
    },
    {
      type: "stream_done",
      runId: RUN,
      seq: 0,
      ts: 1,
      panel: "chat",
      stage: "",
      content: "",
      metadata: {
        finish_reason: "error",
        chunk_count: 0,
        digest: { reasoning: "0".repeat(64), chat: "0".repeat(64) },
      },
    },
  ];
  const state = apply(initialStreamState(), lost);
  assert.deepEqual(state.status, "error");
  assert.deepEqual(state.error, {
    code: "stream_lost",
    message: "The stream is no longer available",
    retryAvailable: true,
  });
  assert.deepEqual(state.lastSeq, 0);
});

Deno.test("reducer appends a section for a stage the plan did not announce", () => {
  const run = runEvents();
  const state = apply(initialStreamState(), [
    run.start("chat", [{ stage: "reply", panel: "chat", title: "Reply" }]),
    run.chunk("reasoning", "reply", "Think", 0),
  ]);
  assert.deepEqual(state.sections.reasoning, [
    {
      stage: "reply",
      panel: "reasoning",
      title: "reply",
      stageIndex: 0,
      stageCount: 1,
      status: "streaming",
      text: "Think",
      tail: { offset: 0, text: "Think" },
      chunkCount: 1,
    },
  ]);
});

Deno.test("reducer keeps the recent end of a streaming text as its tail, bounded, and drops it at the end", () => {
  const run = runEvents();
  const events = [
    run.start("chat", [{ stage: "reply", panel: "chat", title: "Reply" }]),
    run.stageStart("chat", "reply", 0, 1, "Reply"),
  ];
  const chunk = "word µg — ";
  for (let i = 0; i < 4000; i++) events.push(run.chunk("chat", "reply", chunk, i));
  let state = initialStreamState();
  for (const event of events) {
    state = reduce(state, event);
    const [section] = state.sections.chat;
    if (!section?.tail) continue;
    const { offset, text } = section.tail;
    assert.equal(offset + text.length, section.text.length);
    assert.equal(section.text.slice(offset), text);
    assert.ok(text.length <= 2 * 8192);
    assert.equal(viewOf(state).messages.at(-1)?.contentTail, section.tail);
  }
  assert.ok(state.sections.chat[0].tail!.offset > 0, "the tail moved along");
  state = reduce(state, run.stageComplete("chat", "reply", 4000, 0, 1));
  assert.equal(state.sections.chat[0].tail, undefined);
  assert.equal(viewOf(state).messages.at(-1)?.contentTail, undefined);
});

Deno.test("reducer keeps the conversation when a chat run follows another", () => {
  const first = runEvents("run_1111111111111111");
  const second = runEvents("run_2222222222222222");
  const plan = [{ stage: "reply", panel: "chat" as const, title: "Reply" }];
  let state = userMessageSent(initialStreamState(), { id: "local-1", content: "Hi" });
  state = apply(state, [
    first.start("chat", plan, "c1"),
    first.stageStart("chat", "reply", 0, 1, "Reply"),
    first.chunk("chat", "reply", "Hello", 0),
    first.done("stop"),
  ]);
  state = userMessageSent(workStarted(state), { id: "local-2", content: "More" });
  state = apply(state, [
    second.start("chat", plan, "c1"),
    second.stageStart("chat", "reply", 0, 1, "Reply"),
    second.chunk("chat", "reply", "Sure", 0),
  ]);
  assert.deepEqual(
    viewOf(state).messages.map((
      message,
    ) => [message.id, message.role, message.content, message.status]),
    [
      ["local-1", "user", "Hi", "complete"],
      ["run_1111111111111111:reply", "assistant", "Hello", "complete"],
      ["local-2", "user", "More", "complete"],
      ["run_2222222222222222:reply", "assistant", "Sure", "streaming"],
    ],
  );
  assert.deepEqual(state.lastSeq, 3);
  assert.deepEqual(state.runId, "run_2222222222222222");
});

Deno.test("reducer replaces an earlier workflow run's summaries when a new workflow run starts", () => {
  const { state } = midWorkflow();
  const next = runEvents("run_cccccccccccccccc");
  const restarted = reduce(workStarted(state), next.start("workflow", WORKFLOW_PLAN));
  assert.deepEqual(viewOf(restarted).messages, []);
  assert.deepEqual(restarted.sections.reasoning.map((section) => section.status), [
    "pending",
    "pending",
  ]);
});

Deno.test("workStarted clears the run but keeps the conversation", () => {
  const { state } = midWorkflow();
  const started = workStarted(conversationJoined(state, "c9"));
  assert.deepEqual(started.status, "connecting");
  assert.deepEqual(started.conversationId, "c9");
  assert.deepEqual(started.runId, undefined);
  assert.deepEqual(started.lastSeq, 0);
  assert.deepEqual(started.sections, { reasoning: [], chat: [] });
  assert.deepEqual(viewOf(started).messages, viewOf(state).messages);
});

Deno.test("statusChanged returns the same object for the same status", () => {
  const state = initialStreamState();
  assert.equal(statusChanged(state, "idle"), state);
  assert.deepEqual(statusChanged(state, "reconnecting").status, "reconnecting");
});

Deno.test("connectionFailed keeps partial text and marks streaming sections as errors", () => {
  const { state } = midWorkflow();
  const error = { code: "stream_lost" as const, message: "Lost", retryAvailable: true };
  const failed = connectionFailed(state, error);
  assert.deepEqual(failed.status, "error");
  assert.deepEqual(failed.error, error);
  assert.deepEqual(failed.sections.reasoning[1].status, "error");
  assert.deepEqual(failed.sections.reasoning[1].text, "Aspirin");
});

Deno.test("historyLoaded replaces the messages and sets the conversation", () => {
  const loaded = historyLoaded(initialStreamState(), {
    conversationId: "c1",
    messages: [{ id: "m1", role: "user", content: "Hi", status: "complete" }],
  });
  assert.deepEqual(loaded.conversationId, "c1");
  assert.deepEqual(viewOf(loaded).messages, [{
    id: "m1",
    role: "user",
    content: "Hi",
    status: "complete",
  }]);
});

Deno.test("integrityChecked records the result once", () => {
  const checked = integrityChecked(initialStreamState(), true);
  assert.deepEqual(checked.verified, true);
  assert.equal(integrityChecked(checked, true), checked);
});

/** A chat run whose reasoning was streaming when its stream was lost. */
function lostChat() {
  const run = runEvents();
  return apply(initialStreamState(), [
    run.start("chat", [
      { stage: "reply", panel: "reasoning", title: "Reasoning" },
      { stage: "reply", panel: "chat", title: "Reply" },
    ], "c1"),
    run.stageStart("reasoning", "reply", 0, 1, "Reasoning"),
    run.chunk("reasoning", "reply", "Think", 0),
  ]);
}

const SAVED = [
  { id: "m1", role: "user" as const, content: "Why?", status: "complete" as const },
  {
    id: "m2",
    role: "assistant" as const,
    content: "Because",
    status: "cancelled" as const,
    runId: RUN,
    reasoning: "Thinking it over",
  },
];

Deno.test("runRecovered ends a lost chat run as the server did, with its saved reasoning", () => {
  const recovered = runRecovered(lostChat(), {
    conversationId: "c1",
    messages: SAVED,
    finishReason: "cancelled",
  });
  assert.equal(recovered.status, "cancelled");
  assert.equal(recovered.finishReason, "cancelled");
  assert.deepEqual(
    recovered.sections.reasoning.map((section) => [section.status, section.text]),
    [["cancelled", "Thinking it over"]],
  );
  assert.deepEqual(viewOf(recovered).messages, SAVED);
});

Deno.test("runRecovered shows the saved reply in place of the stream's partial one", () => {
  const run = runEvents();
  const partial = apply(lostChat(), [
    run.stageStart("chat", "reply", 0, 1, "Reply"),
    run.chunk("chat", "reply", "Bec", 0),
  ]);
  const recovered = runRecovered(partial, {
    conversationId: "c1",
    messages: SAVED,
    finishReason: "cancelled",
  });
  assert.deepEqual(viewOf(recovered).messages, SAVED);
});

Deno.test("runRecovered keeps the error of a lost chat run that failed on the server", () => {
  const error = { code: "upstream_error" as const, message: "Model failed", retryAvailable: true };
  const recovered = runRecovered(lostChat(), {
    conversationId: "c1",
    messages: SAVED.slice(0, 1),
    finishReason: "error",
    error,
  });
  assert.equal(recovered.status, "error");
  assert.deepEqual(recovered.error, error);
  assert.deepEqual(recovered.sections.reasoning.map((section) => section.status), ["error"]);
  assert.deepEqual(viewOf(recovered).messages, SAVED.slice(0, 1));
});

Deno.test("workStarted keeps the workflow's analyses in view beside the follow-up", () => {
  const { state } = midWorkflow();
  const started = workStarted(state);
  assert.deepEqual(started.earlier.map((run) => [run.runId, run.kind]), [[RUN, "workflow"]]);
  assert.deepEqual(started.earlier[0].sections.map((section) => section.text), [
    "Chest pain.",
    "Aspirin",
  ]);
});

Deno.test("workStarted gives a finished chat reply its reasoning, as a saved reply has it", () => {
  const run = runEvents("run_1111111111111111");
  const plan = [
    { stage: "reply", panel: "reasoning" as const, title: "Reasoning" },
    { stage: "reply", panel: "chat" as const, title: "Reply" },
  ];
  const state = apply(initialStreamState(), [
    run.start("chat", plan, "c1"),
    run.stageStart("reasoning", "reply", 0, 1, "Reasoning"),
    run.chunk("reasoning", "reply", "Think", 0),
    run.stageStart("chat", "reply", 0, 1, "Reply"),
    run.chunk("chat", "reply", "Answer", 0),
    run.done("stop"),
  ]);
  const started = workStarted(state);
  assert.deepEqual(viewOf(started).messages.at(-1)?.reasoning, "Think");
  assert.deepEqual(started.earlier.map((entry) => entry.runId), ["run_1111111111111111"]);
});

Deno.test("historyLoaded puts the saved conversation after the workflow it follows up on", () => {
  const { state } = midWorkflow();
  const loaded = historyLoaded(state, {
    conversationId: "c1",
    messages: [
      { id: "m1", role: "user", content: "Why?", status: "complete" },
      {
        id: "m2",
        role: "assistant",
        content: "Because",
        status: "complete",
        runId: "r2",
        reasoning: "R",
      },
    ],
  });
  assert.deepEqual(viewOf(loaded).messages.map((message) => message.id), [
    `${RUN}:initial`,
    "m1",
    "m2",
  ]);
  assert.deepEqual(loaded.earlier.map((run) => [run.runId, run.sections.map((s) => s.text)]), [
    [RUN, ["Chest pain.", "Aspirin"]],
    ["r2", ["R"]],
  ]);
  assert.deepEqual(loaded.sections, { reasoning: [], chat: [] });
});

Deno.test("a new workflow run supersedes the earlier workflow's analyses, not the replies'", () => {
  const { state } = midWorkflow();
  const next = runEvents("run_cccccccccccccccc");
  const restarted = reduce(workStarted(state), next.start("workflow", WORKFLOW_PLAN));
  assert.deepEqual(restarted.earlier, []);
});
