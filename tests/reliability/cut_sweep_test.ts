/**
 * Cut sweep: a TCP proxy cuts a workflow stream at many byte offsets — at event
 * boundaries and inside events — and the client resumes with its cursor each time. The final
 * transcript must equal the server's log, seq 1…n with no gap or duplicate, with no new LLM call.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { followStream, seqProblem, type Transcript } from "../support/sse-client.ts";
import { type ConnectionPlan, startTcpProxy } from "../support/tcp-proxy.ts";
import { FULL, mapLimit, startTestServer, type TestServer } from "./harness.ts";

const CASE = "chest-pain-acs";
const START = `/api/cases/${CASE}/workflow/start/stream`;
/** Analysis and summary for each of the four stages. */
const CALLS_PER_WORKFLOW = 8;
/** Bytes past a boundary: at it, one byte in, inside `id:`, inside the JSON, deep in the event. */
const INSIDE = [0, 1, 5, 17, 64, 150];
const LIVE_CUTS = FULL ? 200 : 24;
const REPLAY_CUTS = FULL ? 200 : 24;

/**
 * `count` cuts: boundaries spread evenly from `firstMessage` to the one before `stream_done`
 * (message 1 is the `retry:` line, 2 ends run_start), each at or inside the following event,
 * and one cut right after `stream_done`.
 */
function cutPlans(count: number, totalMessages: number, firstMessage: number): ConnectionPlan[] {
  const span = totalMessages - 1 - firstMessage;
  const spread = Array.from({ length: count - 1 }, (_, i): ConnectionPlan => {
    const boundary = firstMessage + Math.round((i * span) / Math.max(1, count - 2));
    return { cutAfterMessages: { count: boundary, plusBytes: INSIDE[i % INSIDE.length] } };
  });
  return [...spread, { cutAfterMessages: { count: totalMessages, plusBytes: 0 } }];
}

/** Follows `path` through a proxy that cuts its first connection as planned. */
async function followCut(
  server: TestServer,
  path: string,
  plan: ConnectionPlan,
): Promise<Transcript> {
  const proxy = startTcpProxy(server, { plan: (index) => (index === 0 ? plan : {}) });
  try {
    const transcript = await followStream(`${proxy.origin}${path}`, { deadlineMs: 20_000 });
    assert.equal(proxy.connections[0]?.cut, true, `The proxy never cut at ${JSON.stringify(plan)}`);
    return transcript;
  } finally {
    await proxy.close();
  }
}

/** The server's own log of a run. */
function serverLog(server: TestServer, runId: string): readonly SequencedEvent[] {
  const run = server.app.context.registry.get(runId);
  assert.ok(run, `Run ${runId} unknown to the server`);
  return run.log.events;
}

/** The guarantees of one resumed transcript. */
function assertResumedExactly(server: TestServer, transcript: Transcript, plan: ConnectionPlan) {
  const where = JSON.stringify(plan);
  assert.equal(transcript.finished, true, `No stream_done after a cut at ${where}`);
  assert.deepEqual(transcript.invalid, [], `Invalid frames after a cut at ${where}`);
  assert.equal(
    seqProblem(transcript.events),
    undefined,
    `${seqProblem(transcript.events)} at ${where}`,
  );
  const runId = transcript.events[0].runId;
  assert.ok(
    transcript.events.every((event) => event.runId === runId),
    `Two runs in one transcript at ${where}`,
  );
  assert.deepEqual(
    transcript.events,
    serverLog(server, runId),
    `Transcript differs from the log at ${where}`,
  );
}

const runsStarted = (server: TestServer) =>
  server.logs.filter((line) => line.includes('"run_started"')).length;

Deno.test("cut sweep: live workflow streams cut at many offsets resume to the server's log with no new LLM call", async () => {
  const server = await startTestServer();
  try {
    const whole = await followStream(`${server.origin}${START}`);
    assert.equal(whole.finished, true);
    // The retry line is message 1; every event adds one.
    const totalMessages = whole.events.length + 1;
    const plans = cutPlans(LIVE_CUTS, totalMessages, 2);
    const transcripts = await mapLimit(plans, 3, (plan) => followCut(server, START, plan));
    transcripts.forEach((transcript, i) => assertResumedExactly(server, transcript, plans[i]));
    const runIds = new Set(transcripts.map((t) => t.events[0].runId));
    assert.equal(runIds.size, plans.length, "Two cut points share a run");
    assert.equal(runsStarted(server), plans.length + 1, "A reconnection started a new run");
    assert.equal(
      server.calls.length,
      CALLS_PER_WORKFLOW * (plans.length + 1),
      "A reconnection called the model again",
    );
    const resumes = transcripts.reduce((sum, t) => sum + t.connections.length - 1, 0);
    console.log(
      `cut sweep (live): ${plans.length} cuts survived, ${resumes} resumes, ${totalMessages} messages per stream`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("cut sweep: replays of a finished run cut at many offsets, headers included, resume to its log", async () => {
  const server = await startTestServer();
  try {
    const whole = await followStream(`${server.origin}${START}`);
    const runId = whole.events[0].runId;
    const path = `/api/runs/${runId}/stream`;
    const totalMessages = whole.events.length + 1;
    // Inside the status line, the headers, the first chunk header, the retry line; then events.
    const early: ConnectionPlan[] = [1, 9, 40, 120].map((bytes) => ({ cutAfterBytes: bytes }));
    const plans = [...early, ...cutPlans(REPLAY_CUTS, totalMessages, 1)];
    const callsBefore = server.calls.length;
    const transcripts = await mapLimit(plans, 4, (plan) => followCut(server, path, plan));
    transcripts.forEach((transcript, i) => assertResumedExactly(server, transcript, plans[i]));
    assert.ok(transcripts.every((t) => t.events[0].runId === runId));
    assert.equal(server.calls.length, callsBefore, "A replay called the model");
    assert.equal(runsStarted(server), 1, "A replay started a run");
    console.log(`cut sweep (replay): ${plans.length} cuts survived`);
  } finally {
    await server.close();
  }
});
