/**
 * Logs: the server's log of a busy session — chats with reasoning, a workflow stage,
 * every upstream fault, a cancel, bad requests — holds ids, sizes, timings and codes only: no
 * prompt, reasoning or answer text, no case text, and never the API key.
 */
import assert from "node:assert/strict";
import { createOpenAiProvider } from "../../server/providers/openai.ts";
import type { FakeReply } from "../support/fake-openai.ts";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { followStream } from "../support/sse-client.ts";
import { assertLogsClean, startTestServer } from "./harness.ts";

const API_KEY = "sk-test-LogsSecretKey-8c1f2e";
const PROMPT = "Prompt Marmoset-2231: the patient says her chest hurts";
const FOLLOW_UP = "Follow-up Pangolin-7781: what about the ECG?";
const REASONING = "Reasoning Okapi-5093 weighs the troponin trend.";
const ANSWER = "Answer Tapir-6610: admit to the cardiac unit.";

/** Every log line is one JSON object whose values are numbers, booleans or short tokens. */
function assertStructured(logs: readonly string[]): void {
  for (const line of logs) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    for (const [key, value] of Object.entries(entry)) {
      if (key === "ts" || typeof value === "number" || typeof value === "boolean") continue;
      assert.ok(
        typeof value === "string" && value.length <= 64 && !/\s/.test(value),
        `Log field ${key} holds free text: ${line.slice(0, 160)}`,
      );
    }
  }
}

Deno.test("logs: a busy session's server log holds no prompt, reasoning, answer or key", async () => {
  const fake = await startFakeOpenAi();
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: API_KEY,
    model: "fake-model",
    idleTimeoutMs: 300,
    sleep: () => Promise.resolve(),
  });
  const server = await startTestServer({ provider });
  const post = (path: string, body: unknown) =>
    fetch(`${server.origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  try {
    fake.enqueue({ content: ANSWER, reasoning: REASONING });
    const first = await post("/api/chat", { message: PROMPT, caseId: "chest-pain-acs" });
    fake.enqueue({ content: ANSWER, reasoning: REASONING });
    await post("/api/chat", { message: FOLLOW_UP, conversationId: first.conversationId });
    const faults: FakeReply[] = [
      { content: ANSWER, fault: { kind: "status", status: 500 } },
      { content: ANSWER, fault: { kind: "status", status: 500 } },
      { content: ANSWER, fault: { kind: "status", status: 500 } },
      { content: ANSWER, fault: { kind: "error_mid", afterChars: 12 } },
      { content: ANSWER, fault: { kind: "malformed", afterChars: 12 } },
      { content: ANSWER, fault: { kind: "stall", afterChars: 12 } },
      { content: ANSWER, finishReason: null },
      { content: ANSWER, fault: { kind: "status", status: 401 } },
    ];
    for (const fault of faults) fake.enqueue(fault);
    for (let i = 0; i < 6; i++) {
      const answer = JSON.stringify(await post("/api/chat", { message: `${PROMPT} ${i}` }));
      // The clinician sees a safe message, never the upstream's own words.
      assert.equal(
        answer.includes("Injected upstream failure"),
        false,
        `Upstream text reached a client: ${answer}`,
      );
    }
    fake.enqueue({ content: ANSWER.repeat(50), reasoning: REASONING, delayMs: 5 });
    const started = await post("/api/chat/messages", { message: PROMPT });
    await fetch(`${server.origin}/api/runs/${started.runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    }).then((r) => r.body?.cancel());
    fake.enqueue({ content: ANSWER });
    fake.enqueue({ content: ANSWER });
    await followStream(`${server.origin}/api/cases/chest-pain-acs/workflow/stages/initial/stream`);
    await post("/api/chat/messages", { message: PROMPT, role: "system" });
    await followStream(`${server.origin}/api/runs/${started.runId}/stream`, {
      cursor: `${started.runId}.9999`,
    });

    const events = new Set(server.logs.map((line) => JSON.parse(line).event));
    for (
      const expected of [
        "run_started",
        "run_finished",
        "run_upstream_error",
        "run_cancelled",
        "stream_lost",
      ]
    ) {
      assert.ok(events.has(expected), `No ${expected} line: the session did not exercise it`);
    }
    assertLogsClean(server.logs, [
      API_KEY,
      "LogsSecretKey",
      PROMPT,
      "Marmoset-2231",
      "Pangolin-7781",
      "Okapi-5093",
      "Tapir-6610",
      "Daniel Marsh",
      "Injected upstream failure",
    ]);
    assertStructured(server.logs);
    console.log(`logs: ${server.logs.length} lines, ${events.size} kinds, no text, no key`);
  } finally {
    await server.close();
    await fake.close();
  }
});
