import assert from "node:assert/strict";
import type { StreamEvent } from "../../protocol/events.ts";
import { advance, cursorOf, startPosition } from "../../widgets/connection/run-position.ts";
import { RUN, runEvents, WORKFLOW_PLAN } from "./fixtures.ts";

const OTHER = "run_bbbbbbbbbbbbbbbb";

Deno.test("run position has no cursor before an event of its run", () => {
  assert.equal(cursorOf(startPosition("c1")), undefined);
  assert.equal(cursorOf({ runId: RUN, seq: 0 }), undefined);
});

Deno.test("run position starts a run at run_start and takes its conversation", () => {
  const run = runEvents();
  const position = advance(startPosition("c1"), run.start("chat", WORKFLOW_PLAN, "c2"));
  assert.deepEqual(position, { runId: RUN, seq: 1, conversationId: "c2" });
  assert.equal(cursorOf(position!), `${RUN}.1`);
});

Deno.test("run position keeps the conversation across a run that names none", () => {
  const run = runEvents();
  const position = advance(startPosition("c1"), run.start("workflow", WORKFLOW_PLAN));
  assert.equal(position?.conversationId, "c1");
});

Deno.test("run position moves past each next event of its run", () => {
  const run = runEvents();
  const started = advance(startPosition(), run.start("workflow", WORKFLOW_PLAN))!;
  const moved = advance(started, run.chunk("reasoning", "initial", "Pain", 0));
  assert.deepEqual(moved, { runId: RUN, seq: 2, conversationId: undefined });
});

Deno.test("run position drops a replayed event, run_start included", () => {
  const run = runEvents();
  const start = run.start("workflow", WORKFLOW_PLAN);
  const chunk = run.chunk("reasoning", "initial", "Pain", 0);
  const position = advance(advance(startPosition(), start)!, chunk)!;
  assert.equal(advance(position, chunk), undefined);
  assert.equal(advance(position, start), undefined);
});

Deno.test("run position drops an event of another run that did not start here", () => {
  const run = runEvents();
  const position = advance(startPosition(), run.start("workflow", WORKFLOW_PLAN))!;
  const other = runEvents(OTHER);
  other.start("workflow", WORKFLOW_PLAN);
  assert.equal(advance(position, other.chunk("reasoning", "plan", "stale", 0)), undefined);
});

Deno.test("run position delivers heartbeats and seq-0 events without moving", () => {
  const position = { runId: RUN, seq: 4 };
  assert.equal(advance(position, { type: "heartbeat", runId: RUN, ts: 5 }), position);
  const lost: StreamEvent = {
    type: "error",
    runId: OTHER,
    seq: 0,
    ts: 1,
    panel: "chat",
    stage: "",
    content: "The stream is no longer available",
    metadata: { error_code: "stream_lost", retry_available: true },
  };
  assert.equal(advance(position, lost), position);
});
