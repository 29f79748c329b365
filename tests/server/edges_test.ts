/** Bad input, limits, flags, CORS and static files: every answer is the documented JSON. */
import assert from "node:assert/strict";
import { ApiError } from "../../protocol/api-error.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import {
  gatedProvider,
  makeApp,
  manualClock,
  readEvents,
  serve,
  startChatRun,
  waitFor,
} from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };
const post = (body: BodyInit | null, headers: Record<string, string> = JSON_TYPE) => ({
  method: "POST",
  headers,
  body,
});

/** Asserts a documented JSON error with this status and code; returns the body. */
async function assertError(response: Response, status: number, code: string) {
  assert.equal(response.status, status);
  const body = ApiError.parse(await response.json());
  assert.equal(body.error.code, code);
  return body;
}

Deno.test("chat endpoints reject bad bodies with the documented errors", async () => {
  const h = makeApp();
  try {
    for (const path of ["/api/chat/messages", "/api/chat/stream", "/api/chat"]) {
      const send = (init: RequestInit) => h.app.request(path, init);
      await assertError(await send(post(null)), 400, "invalid_request");
      await assertError(await send(post("{}")), 400, "invalid_request");
      await assertError(await send(post('{"message": 5}')), 400, "invalid_request");
      await assertError(await send(post("{not json")), 400, "invalid_request");
      await assertError(
        await send(post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))),
        400,
        "invalid_request",
      );
      await assertError(await send(post('"a string"')), 400, "invalid_request");
      await assertError(
        await send(post('{"message":"hi"}', { "content-type": "text/plain" })),
        415,
        "invalid_request",
      );
      await assertError(await send(post('{"message":"hi"}', {})), 415, "invalid_request");
      await assertError(
        await send(post(JSON.stringify({ message: "x".repeat(9000) }))),
        413,
        "invalid_request",
      );
      await assertError(await send(post("x".repeat(2_000_000))), 413, "invalid_request");
      await assertError(
        await send(post('{"message":"hi","conversationId":"../etc"}')),
        400,
        "invalid_request",
      );
      await assertError(
        await send(post('{"message":"hi","conversationId":"AAAAAAAAAAAAAAAAAAAAAA"}')),
        404,
        "not_found",
      );
      await assertError(
        await send(post('{"message":"hi","caseId":"no-such-case"}')),
        404,
        "not_found",
      );
      await assertError(await send({ method: "GET" }), 405, "invalid_request");
    }
  } finally {
    h.close();
  }
});

Deno.test("validation issues name the path and code, never the input", async () => {
  const h = makeApp();
  try {
    const secret = "SECRET-VALUE-123";
    const body = await assertError(
      await h.app.request(
        "/api/chat",
        post(JSON.stringify({ message: "hi", urgency: secret, tags: [secret] })),
      ),
      400,
      "invalid_request",
    );
    assert.deepEqual(body.error.issues, [
      { path: "urgency", code: "unrecognized_keys" },
      { path: "tags", code: "unrecognized_keys" },
    ]);
    const typed = await assertError(
      await h.app.request("/api/chat", post('{"message": 5}')),
      400,
      "invalid_request",
    );
    assert.deepEqual(typed.error.issues, [{ path: "message", code: "invalid_type" }]);
    assert.ok(!JSON.stringify(body).includes(secret));
  } finally {
    h.close();
  }
});

Deno.test("workflow and run endpoints answer bad ids and methods with JSON errors", async () => {
  const h = makeApp();
  try {
    const r = (path: string, init?: RequestInit) => h.app.request(path, init);
    await assertError(await r("/api/cases/no-such-case"), 404, "not_found");
    await assertError(await r("/api/cases/%00%ff"), 404, "not_found");
    await assertError(await r("/api/cases/no-such-case/workflow/start/stream"), 404, "not_found");
    await assertError(
      await r("/api/cases/aki-nsaids/workflow/stages/nope/stream"),
      404,
      "not_found",
    );
    await assertError(
      await r("/api/cases/no-such-case/workflow/run", post(null)),
      404,
      "not_found",
    );
    await assertError(
      await r("/api/cases/aki-nsaids/workflow/run", post('{"stage":"nope"}')),
      404,
      "not_found",
    );
    await assertError(
      await r("/api/cases/aki-nsaids/workflow/run", post('{"stages":[]}')),
      400,
      "invalid_request",
    );
    const wrongMethod = await r("/api/cases/aki-nsaids/workflow/run");
    await assertError(wrongMethod, 405, "invalid_request");
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    await assertError(await r("/api/runs/AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
    await assertError(await r("/api/runs/bad!"), 404, "not_found");
    await assertError(await r("/api/conversations/nope"), 404, "not_found");
    const deleted = await r("/api/health", { method: "DELETE" });
    await assertError(deleted, 405, "invalid_request");
    assert.equal(deleted.headers.get("allow"), "GET, HEAD");
    await assertError(await r("/api/nothing-here"), 404, "not_found");
    const cancel = await r("/api/runs/AAAAAAAAAAAAAAAAAAAAAA/cancel", post(null));
    assert.deepEqual([cancel.status, await cancel.json()], [404, { status: "not_found" }]);
  } finally {
    h.close();
  }
});

Deno.test("health reports provider, streaming flag, version and storage", async () => {
  const h = makeApp();
  try {
    const body = await (await h.app.request("/api/health")).json();
    assert.deepEqual(body, {
      status: "ok",
      provider: "scripted",
      streaming: true,
      version: "0.0.0",
      storage: "sqlite",
    });
  } finally {
    h.close();
  }
});

Deno.test("cases list and detail come from the synthetic catalog", async () => {
  const h = makeApp();
  try {
    const { cases } = await (await h.app.request("/api/cases")).json();
    assert.ok(cases.length >= 1);
    const detail = await (await h.app.request(`/api/cases/${cases[0].id}`)).json();
    assert.equal(detail.id, cases[0].id);
    assert.match(detail.patient.mrn, /^MRN-SYN-/);
  } finally {
    h.close();
  }
});

Deno.test("streaming disabled makes stream endpoints 503 while batch keeps working", async () => {
  const h = makeApp({ config: { streamingEnabled: false } });
  try {
    for (
      const [path, init] of [
        ["/api/cases/aki-nsaids/workflow/start/stream", undefined],
        ["/api/cases/aki-nsaids/workflow/stages/plan/stream", undefined],
        ["/api/runs/AAAAAAAAAAAAAAAAAAAAAA/stream", undefined],
        ["/api/chat/stream", post('{"message":"hi"}')],
        ["/api/chat/messages", post('{"message":"hi"}')],
      ] as const
    ) {
      await assertError(await h.app.request(path, init), 503, "streaming_disabled");
    }
    const batch = await h.app.request("/api/cases/aki-nsaids/workflow/run", post(null));
    assert.equal((await batch.json()).status, "complete");
    assert.equal((await (await h.app.request("/api/health")).json()).streaming, false);
  } finally {
    h.close();
  }
});

Deno.test("rate limit answers 429 with Retry-After once a client started its quota of runs", async () => {
  const clock = manualClock();
  const h = makeApp({ config: { rateLimitPerMin: 2 }, clock });
  try {
    const start = () => h.app.request("/api/cases/aki-nsaids/workflow/run", post(null));
    assert.equal((await start()).status, 200);
    clock.advance(10_000);
    assert.equal((await start()).status, 200);
    const limited = await start();
    await assertError(limited, 429, "rate_limited");
    assert.equal(limited.headers.get("retry-after"), "50");
    clock.advance(50_000);
    assert.equal((await start()).status, 200);
  } finally {
    h.close();
  }
});

Deno.test("MAX_CONCURRENT_RUNS answers 503 overloaded until a run ends, using no rate slot", async () => {
  const gate = gatedProvider();
  const h = makeApp({
    provider: gate.provider,
    config: { maxConcurrentRuns: 1, rateLimitPerMin: 2 },
  });
  try {
    const { runId } = await startChatRun(h.app);
    // More refusals than the rate limit allows starts: a refused start does not count as one.
    for (let i = 0; i < 3; i++) {
      await assertError(
        await h.app.request("/api/chat/messages", post('{"message":"again"}')),
        503,
        "overloaded",
      );
    }
    gate.end();
    await h.app.context.registry.get(runId)!.done;
    await startChatRun(h.app);
    gate.end();
  } finally {
    h.close();
  }
});

Deno.test("a message over the largest MAX_MESSAGE_CHARS answers 413, not 400", async () => {
  const h = makeApp({ config: { maxMessageChars: 100_000, maxBodyBytes: 700_000 } });
  try {
    const body = JSON.stringify({ message: "x".repeat(100_001) });
    await assertError(await h.app.request("/api/chat", post(body)), 413, "invalid_request");
  } finally {
    h.close();
  }
});

Deno.test("CORS allows configured origins only and exposes what readers need", async () => {
  const h = makeApp({ config: { corsOrigins: ["https://portal.example"] } });
  try {
    const preflight = await h.app.request("/api/chat/stream", {
      method: "OPTIONS",
      headers: {
        origin: "https://portal.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, last-event-id",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://portal.example");
    assert.match(preflight.headers.get("access-control-allow-headers")!, /Last-Event-ID/);
    const allowed = await h.app.request("/api/health", {
      headers: { origin: "https://portal.example" },
    });
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://portal.example");
    assert.match(allowed.headers.get("access-control-expose-headers")!, /Retry-After/);
    const denied = await h.app.request("/api/health", {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(denied.headers.get("access-control-allow-origin"), null);
    const deniedPreflight = await h.app.request("/api/health", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    assert.equal(deniedPreflight.headers.get("access-control-allow-origin"), null);
    const stream = await h.app.request("/api/cases/aki-nsaids/workflow/stages/plan/stream", {
      headers: { origin: "https://portal.example" },
    });
    assert.equal(stream.headers.get("access-control-allow-origin"), "https://portal.example");
    await readEvents(stream);
  } finally {
    h.close();
  }
});

Deno.test("CORS adds nothing when no origins are configured", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request("/api/health", {
      headers: { origin: "https://portal.example" },
    });
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  } finally {
    h.close();
  }
});

Deno.test("static routes serve the demo page and bundle with content types, never outside", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/demo`);
  await Deno.mkdir(`${root}/dist`);
  await Deno.writeTextFile(`${root}/demo/index.html`, "<h1>demo</h1>");
  await Deno.writeTextFile(`${root}/demo/app.css`, "h1{}");
  await Deno.writeTextFile(`${root}/dist/stream-widgets.js`, "export {};");
  await Deno.writeTextFile(`${root}/secret.txt`, "secret");
  const h = makeApp({ root });
  try {
    const page = await h.app.request("/");
    assert.deepEqual([page.status, page.headers.get("content-type"), await page.text()], [
      200,
      "text/html; charset=utf-8",
      "<h1>demo</h1>",
    ]);
    const css = await h.app.request("/demo/app.css");
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    await css.body?.cancel();
    const js = await h.app.request("/dist/stream-widgets.js");
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    await js.body?.cancel();
    await assertError(await h.app.request("/dist/missing.js"), 404, "not_found");
    await assertError(await h.app.request("/demo/..%2fsecret.txt"), 404, "not_found");
    await assertError(await h.app.request("/demo/%2e%2e/secret.txt"), 404, "not_found");
    await assertError(await h.app.request("/dist/"), 404, "not_found");
  } finally {
    h.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("demo controls arm faults, change pace and flip streaming; 404 when disabled", async () => {
  const h = makeApp({ config: { demoControls: true } });
  try {
    const control = (path: string, body: unknown) =>
      h.app.request(`/api/demo/${path}`, post(JSON.stringify(body)));
    assert.deepEqual(await (await control("faults", { fault: "rate_limit" })).json(), {
      armed: "rate_limit",
    });
    const failed = await readEvents(
      await h.app.request("/api/cases/aki-nsaids/workflow/stages/plan/stream"),
    );
    const error = failed.find((e) => e.type === "error");
    assert.ok(error?.type === "error" && error.metadata.error_code === "rate_limited");
    const healthy = await readEvents(
      await h.app.request("/api/cases/aki-nsaids/workflow/stages/plan/stream"),
    );
    assert.ok(!healthy.some((e) => e.type === "error"));
    assert.deepEqual(await (await control("pace", { charsPerSec: 500 })).json(), {
      charsPerSec: 500,
    });
    assert.deepEqual(await (await control("streaming", { enabled: false })).json(), {
      streaming: false,
    });
    assert.equal((await (await h.app.request("/api/health")).json()).streaming, false);
    await assertError(await control("faults", { fault: "explode" }), 400, "invalid_request");
    await assertError(await control("pace", { charsPerSec: 0 }), 400, "invalid_request");
  } finally {
    h.close();
  }
  const off = makeApp({ config: { demoControls: false } });
  try {
    await assertError(
      await off.app.request("/api/demo/faults", post('{"fault":"fail"}')),
      404,
      "not_found",
    );
  } finally {
    off.close();
  }
});

Deno.test("demo fail fault ends the next run with upstream_error after partial text", async () => {
  const h = makeApp({ config: { demoControls: true } });
  try {
    await h.app.request("/api/demo/faults", post('{"fault":"fail","afterChars":50}'));
    const events = await readEvents(
      await h.app.request("/api/cases/aki-nsaids/workflow/start/stream"),
    );
    const error = events.find((e) => e.type === "error");
    assert.ok(error?.type === "error" && error.metadata.error_code === "upstream_error");
    const text = events.filter((e) => e.type === "content_chunk").map((e) => e.content).join("");
    assert.equal(text.length, 50);
  } finally {
    h.close();
  }
});

Deno.test("a demo fault goes to the next run started, not to a later stage of a running one", async () => {
  // Each model call waits 20 ms for its first token: the workflow is between calls for a while.
  const provider = createScriptedProvider({ charsPerSec: 1_000_000, firstTokenMs: 20 });
  const h = makeApp({ provider, config: { demoControls: true } });
  try {
    const running = await h.app.request("/api/cases/aki-nsaids/workflow/start/stream");
    const reader = running.body!.getReader();
    const decoder = createSseDecoder();
    const seen: string[] = [];
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const step = await reader.read();
        if (step.done) return;
        for (const message of decoder.push(step.value)) seen.push(JSON.parse(message.data).type);
      }
    };
    const count = (type: string) => seen.filter((t) => t === type).length;
    await readUntil(() => count("stage_complete") === 1);
    await h.app.request("/api/demo/faults", post('{"fault":"fail","afterChars":10}'));
    // The workflow makes its next model calls before the chat is even started.
    await readUntil(() => count("stage_complete") === 3 || seen.includes("stream_done"));
    const chat = await readEvents(
      await h.app.request("/api/chat/stream", post('{"message":"Next?"}')),
    );
    assert.equal(
      chat.find((e) => e.type === "error")?.metadata.error_code,
      "upstream_error",
      "the chat started after the fault was armed failed",
    );
    await readUntil(() => seen.includes("stream_done"));
    assert.ok(!seen.includes("error"), "the workflow that was running completed");
  } finally {
    h.close();
  }
});

Deno.test("demo pace and faults other than cut need the scripted provider", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider, config: { demoControls: true } });
  try {
    await assertError(
      await h.app.request("/api/demo/faults", post('{"fault":"fail"}')),
      409,
      "invalid_request",
    );
    await assertError(
      await h.app.request("/api/demo/pace", post('{"charsPerSec":10}')),
      409,
      "invalid_request",
    );
  } finally {
    h.close();
  }
});

Deno.test("demo cut fault ends the next run's response abruptly while the run goes on", async () => {
  const h = makeApp({ config: { demoControls: true } });
  const server = await serve(h.app);
  try {
    await h.app.request("/api/demo/faults", post('{"fault":"cut","afterChars":100}'));
    // Plain, to count the characters before the cut: frames still queued between the cut and the
    // gzip encoder when the body fails are lost with the connection, as on a real cut.
    const response = await fetch(
      `${server.origin}/api/cases/aki-nsaids/workflow/stages/plan/stream`,
      { headers: { "accept-encoding": "identity" } },
    );
    const reader = response.body!.getReader();
    let text = "";
    const outcome = await (async () => {
      for (;;) {
        const step = await reader.read();
        if (step.done) return "eof";
        text += new TextDecoder().decode(step.value);
      }
    })().catch(() => "cut");
    assert.equal(outcome, "cut");
    const data = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) =>
      JSON.parse(l.slice(6))
    );
    const sent = data.filter((e) => e.type === "content_chunk").map((e) => e.content).join("");
    assert.ok(sent.length >= 100 && sent.length < 110, `cut after ${sent.length} characters`);
    assert.ok(!data.some((e) => e.type === "stream_done"));
    const run = h.app.context.registry.get(data[0].runId)!;
    await run.done;
    assert.equal(run.status, "complete");
  } finally {
    h.close();
    await server.close();
  }
});

Deno.test("with SSE_COMPRESSION=off, SSE responses are not compressed, even when gzip is accepted", async () => {
  const h = makeApp({ config: { sseCompression: "off" } });
  const server = await serve(h.app);
  try {
    const response = await fetch(
      `${server.origin}/api/cases/aki-nsaids/workflow/stages/plan/stream`,
      {
        headers: { "accept-encoding": "gzip, br" },
      },
    );
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal((await readEvents(response)).at(-1)?.type, "stream_done");
  } finally {
    h.close();
    await server.close();
  }
});

Deno.test("run status probe reports a live run's progress and its final state", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const { runId } = await startChatRun(h.app);
    gate.push("Potassium is high. ");
    const run = h.app.context.registry.get(runId)!;
    await waitFor(() => run.log.panels.chat === "Potassium is high. ");
    const live = await (await h.app.request(`/api/runs/${runId}`)).json();
    assert.deepEqual(live, {
      runId,
      kind: "chat",
      status: "running",
      lastSeq: run.log.lastSeq,
      panels: { reasoning: "", chat: "Potassium is high. " },
    });
    await h.app.request(`/api/runs/${runId}/cancel`, post(null));
    const after = await (await h.app.request(`/api/runs/${runId}`)).json();
    assert.equal(after.status, "cancelled");
  } finally {
    h.close();
  }
});

Deno.test("runs refused after shutdown answer 503 overloaded", async () => {
  const h = makeApp();
  try {
    h.app.shutdown();
    await assertError(
      await h.app.request("/api/cases/aki-nsaids/workflow/start/stream"),
      503,
      "overloaded",
    );
  } finally {
    h.close();
  }
});

Deno.test("the retry line and run_start reach the client before the model answers", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  const server = await serve(h.app);
  try {
    const response = await fetch(`${server.origin}/api/cases/aki-nsaids/workflow/start/stream`);
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes('"type":"stage_start"')) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    assert.ok(text.startsWith("retry: 1000\n\n"));
    assert.equal(gate.signals.length, 1, "the model has been asked but has not answered");
    await reader.cancel();
  } finally {
    h.close();
    await server.close();
  }
});
