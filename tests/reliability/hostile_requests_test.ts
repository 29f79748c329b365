/**
 * Hostile input to the server: every request of the corpus gets the documented JSON
 * error with an allowed status, or a clean SSE stream (the run's own events, or `stream_lost`);
 * never a 500, a stack trace, an echo of the input, or a grant to a disallowed Origin.
 */
import assert from "node:assert/strict";
import { ApiError } from "../../protocol/api-error.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { followStream } from "../support/sse-client.ts";
import { assertLogsClean, startTestServer } from "./harness.ts";
import {
  type CorpusContext,
  type Expect,
  HOSTILE_CASES,
  type HostileCase,
  MARKER,
} from "./hostile-requests.ts";

/** What gives away internals: stack frames, file paths, exception names. */
const LEAKS = /\bat \S+ \(|file:\/\/|\.ts:\d+|node_modules|Error:|TypeError|SyntaxError|stack/;

/** Sends one case and returns a description of what is wrong with the answer, if anything. */
async function probe(
  origin: string,
  ctx: CorpusContext,
  item: HostileCase,
): Promise<string | undefined> {
  const headers = typeof item.headers === "function" ? item.headers(ctx) : item.headers ?? {};
  const body = typeof item.body === "function" ? item.body(ctx) : item.body;
  const response = await fetch(`${origin}${item.path(ctx)}`, {
    method: item.method,
    headers,
    body: body as BodyInit | undefined,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const expect: Expect = typeof item.expect === "function" ? item.expect(ctx) : item.expect;
  const type = response.headers.get("content-type") ?? "";
  const text = await response.text();
  const problems: string[] = [];
  if (response.status >= 500 && response.status !== 503) problems.push(`status ${response.status}`);
  if (text.includes(MARKER)) problems.push("echoes the input");
  if (LEAKS.test(text)) problems.push(`leaks internals: ${text.slice(0, 120)}`);
  const granted = response.headers.get("access-control-allow-origin");
  if (headers.origin !== undefined && granted !== null) problems.push(`grants CORS to ${granted}`);

  const checkJson = (statuses: number[]) => {
    if (!statuses.includes(response.status)) {
      problems.push(`status ${response.status}, expected ${statuses}`);
    }
    if (!type.startsWith("application/json")) return problems.push(`content-type ${type}`);
    const parsed = ApiError.safeParse(safeJson(text));
    if (!parsed.success) problems.push(`not the JSON error shape: ${text.slice(0, 120)}`);
  };
  const checkSse = (runId: string | undefined) => {
    if (response.status !== 200) return problems.push(`SSE status ${response.status}`);
    if (!type.startsWith("text/event-stream")) return problems.push(`content-type ${type}`);
    const problem = sseProblem(text, runId);
    if (problem) problems.push(problem);
  };

  if ("json" in expect) checkJson(expect.json);
  else if ("sse" in expect) checkSse(expect.runId);
  else if ("jsonOrSse" in expect) {
    if (type.startsWith("text/event-stream")) checkSse(expect.runId);
    else checkJson(expect.jsonOrSse);
  } else if ("cancelStatus" in expect) {
    if (response.status !== expect.cancelStatus) problems.push(`status ${response.status}`);
    const status = (safeJson(text) as { status?: unknown } | undefined)?.status;
    if (typeof status !== "string") problems.push(`cancel body ${text.slice(0, 80)}`);
  } else if ("preflightDenied" in expect) {
    if (response.status >= 500) problems.push(`status ${response.status}`);
  } else if ("okOrJson" in expect) {
    if (!expect.okOrJson.includes(response.status)) checkJson(expect.errors);
  }
  return problems.length ? `${item.name}: ${problems.join("; ")}` : undefined;
}

/** What is wrong with an SSE body: invalid frames, foreign runs, or a bad stream_lost. */
function sseProblem(text: string, runId: string | undefined): string | undefined {
  const decoder = createSseDecoder();
  const messages = decoder.push(text);
  if (messages.length === 0) return "empty SSE stream";
  const events = [];
  for (const message of messages) {
    if (message.event !== undefined) return `SSE message with an event field ${message.event}`;
    const parsed = parseEvent(message.data);
    if (!parsed.ok) return `invalid SSE frame: ${parsed.detail}`;
    events.push(parsed.event);
  }
  const lost = events.length === 2 && events.every((e) => e.type !== "heartbeat" && e.seq === 0) &&
    events[0].type === "error" && events[0].metadata.error_code === "stream_lost" &&
    events[1].type === "stream_done" && events[1].metadata.finish_reason === "error";
  if (lost) return undefined;
  if (events.some((e) => e.type !== "heartbeat" && e.seq === 0)) {
    return "seq-0 events other than stream_lost";
  }
  if (runId !== undefined && events.some((e) => e.runId !== runId)) return "events of another run";
  if (events.at(-1)?.type !== "stream_done") return "stream without stream_done";
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

Deno.test("hostile requests: every bad request gets a documented answer, never a 500, a stack or an echo", async () => {
  const server = await startTestServer({ env: { RATE_LIMIT_PER_MIN: "100000" } });
  try {
    const runA = await followStream(
      `${server.origin}/api/cases/chest-pain-acs/workflow/stages/initial/stream`,
    );
    const runB = await followStream(
      `${server.origin}/api/cases/aki-nsaids/workflow/stages/plan/stream`,
    );
    const chat = await fetch(`${server.origin}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "A fair question" }),
    }).then((r) => r.json());
    const ctx: CorpusContext = {
      runId: runA.events[0].runId,
      otherRunId: runB.events[0].runId,
      unknownRunId: "UnknownRun0000000000000",
      conversationId: chat.conversationId,
    };
    const problems: string[] = [];
    for (const item of HOSTILE_CASES) {
      const problem = await probe(server.origin, ctx, item);
      if (problem) problems.push(problem);
    }
    assert.ok(HOSTILE_CASES.length >= 40);
    assert.deepEqual(problems, []);
    assertLogsClean(server.logs, [MARKER, "A fair question"]);
    console.log(`hostile requests: ${HOSTILE_CASES.length} requests, every answer documented`);
  } finally {
    await server.close();
  }
});

Deno.test("hostile requests: the configured origin is granted, so the origin checks above can fail", async () => {
  const server = await startTestServer();
  try {
    const response = await fetch(`${server.origin}/api/chat/messages`, {
      method: "OPTIONS",
      headers: { origin: "https://portal.example", "access-control-request-method": "POST" },
    });
    await response.body?.cancel();
    assert.equal(response.headers.get("access-control-allow-origin"), "https://portal.example");
  } finally {
    await server.close();
  }
});
