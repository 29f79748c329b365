/**
 * Cancel through the `openai` provider on a freshly started server process: every cancel, the first
 * one after start-up included, ends its run once as `cancelled` and aborts the upstream request.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { type FakeOpenAi, startFakeOpenAi } from "../support/fake-openai.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** A reply far longer than any test waits for: 2,000 deltas 20 ms apart. */
const SLOW = { content: "Troponin rising. ".repeat(600), chunkSize: 5, delayMs: 20 };

interface ServerProcess {
  origin: string;
  /** Stops the server and returns its structured log lines. */
  stop(): Promise<Record<string, unknown>[]>;
}

async function startServer(fake: FakeOpenAi): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}server/main.ts`],
    cwd: ROOT,
    env: {
      PORT: "0",
      DATA_DIR: ":memory:",
      LLM_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: "test-key",
      LLM_MODEL: "m",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let stdout = "";
  let stderr = "";
  const stderrDone = (async () => {
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk);
  })();
  const lines = child.stdout.getReader();
  while (!/LISTENING (\S+)/.test(stdout)) {
    const step = await lines.read();
    if (step.done) throw new Error(`No LISTENING line: ${stderr}`);
    stdout += decoder.decode(step.value);
  }
  void lines.cancel();
  return {
    origin: /LISTENING (\S+)/.exec(stdout)![1],
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await stderrDone;
      return stderr.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
    },
  };
}

/** Reads a stream's events until `until` holds, leaving the rest to `rest()`. */
async function openStream(url: string, until: (events: SequencedEvent[]) => boolean) {
  const response = await fetch(url);
  const reader = response.body!.getReader();
  const decoder = createSseDecoder();
  const events: SequencedEvent[] = [];
  while (!until(events)) {
    const step = await reader.read();
    if (step.done) break;
    for (const message of decoder.push(step.value)) {
      const parsed = parseEvent(message.data);
      if (parsed.ok && parsed.event.type !== "heartbeat") events.push(parsed.event);
    }
  }
  return {
    events,
    async rest(): Promise<SequencedEvent[]> {
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        for (const message of decoder.push(step.value)) {
          const parsed = parseEvent(message.data);
          if (parsed.ok && parsed.event.type !== "heartbeat") events.push(parsed.event);
        }
      }
      return events;
    },
  };
}

async function cancel(origin: string, runId: string): Promise<number> {
  const at = Date.now();
  const response = await fetch(`${origin}/api/runs/${runId}/cancel`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "cancelled" });
  return at;
}

/** Exactly one `stream_done`, the last event, cancelled; no error event. */
function assertCancelledOnce(events: SequencedEvent[]) {
  const ends = events.filter((e) => e.type === "stream_done");
  assert.equal(ends.length, 1, events.map((e) => e.type).join(" "));
  assert.equal(events.at(-1), ends[0], events.map((e) => e.type).join(" "));
  assert.ok(ends[0].type === "stream_done" && ends[0].metadata.finish_reason === "cancelled");
  assert.equal(events.filter((e) => e.type === "error").length, 0);
}

function assertEndedOnce(log: Record<string, unknown>[], runIds: string[]) {
  assert.equal(log.filter((line) => line.event === "run_internal_error").length, 0);
  for (const runId of runIds) {
    const finished = log.filter((line) => line.event === "run_finished" && line.runId === runId);
    assert.equal(finished.length, 1, `one end for run ${runId}`);
    assert.equal(finished[0].status, "cancelled");
  }
}

Deno.test("four chat cancels in a row on a fresh server each end once, as cancelled", async () => {
  const fake = await startFakeOpenAi();
  const server = await startServer(fake);
  const runIds: string[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      fake.enqueue(SLOW);
      const started = await fetch(`${server.origin}/api/chat/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `Is this an NSTEMI? (${i})` }),
      });
      const { runId, conversationId } = await started.json();
      runIds.push(runId);
      const stream = await openStream(
        `${server.origin}/api/runs/${runId}/stream`,
        (events) => events.filter((e) => e.type === "content_chunk").length >= 3,
      );
      const cancelledAt = await cancel(server.origin, runId);
      const events = await stream.rest();
      assertCancelledOnce(events);
      await fake.waitForRequests(i + 1, 2000);
      const upstream = fake.requests[i];
      await waitUntil(() => upstream.aborted);
      assert.ok(upstream.abortedAt! - cancelledAt <= 250, `upstream aborted within 250 ms`);
      // The partial reply is saved as cancelled.
      const conversation = await waitForAssistant(server.origin, conversationId);
      assert.equal(conversation.status, "cancelled");
      assert.ok(conversation.content.length > 0);
    }
  } finally {
    const log = await server.stop();
    await fake.close();
    assertEndedOnce(log, runIds);
  }
});

Deno.test("a workflow cancelled mid-stage on a fresh server ends once, as cancelled", async () => {
  const fake = await startFakeOpenAi();
  const server = await startServer(fake);
  let runId = "";
  try {
    for (let i = 0; i < 8; i++) fake.enqueue(i < 2 ? { content: "Chest pain, 54 y." } : SLOW);
    // Into the second stage's analysis, with text flowing.
    const stream = await openStream(
      `${server.origin}/api/cases/chest-pain-acs/workflow/start/stream`,
      (events) =>
        events.filter((e) => e.type === "content_chunk" && e.stage === "extraction").length >= 3,
    );
    runId = stream.events[0].runId;
    const cancelledAt = await cancel(server.origin, runId);
    const events = await stream.rest();
    assertCancelledOnce(events);
    const upstream = fake.requests.at(-1)!;
    await waitUntil(() => upstream.aborted);
    assert.ok(upstream.abortedAt! - cancelledAt <= 250, `upstream aborted within 250 ms`);
    const status = await (await fetch(`${server.origin}/api/runs/${runId}`)).json();
    assert.equal(status.status, "cancelled");
  } finally {
    const log = await server.stop();
    await fake.close();
    assertEndedOnce(log, [runId]);
  }
});

async function waitUntil(check: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function waitForAssistant(origin: string, conversationId: string) {
  const deadline = Date.now() + 2000;
  for (;;) {
    const body = await (await fetch(`${origin}/api/conversations/${conversationId}`)).json();
    const reply = body.messages?.find((m: { role: string }) => m.role === "assistant");
    if (reply) return reply as { status: string; content: string };
    if (Date.now() > deadline) throw new Error("no assistant message saved");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
