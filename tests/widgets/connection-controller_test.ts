import assert from "node:assert/strict";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import type { StreamEvent } from "../../protocol/events.ts";
import { ConnectionController } from "../../widgets/connection/connection-controller.ts";
import type { ConnectionSettings } from "../../widgets/connection/connection-types.ts";
import { RUN, runEvents, WORKFLOW_PLAN } from "./fixtures.ts";
import {
  eventStream,
  fakeClock,
  fakeEventSourceClass,
  fakeFetch,
  fakeHost,
  fakePage,
  flush,
  json,
  offline,
  recordingSink,
} from "./support/fakes.ts";

const SRC = "/api/cases/c1/workflow/start/stream";

/** A connected controller with fakes for everything it touches. */
function setup(settings: Partial<ConnectionSettings> = {}, random = () => 0) {
  const clock = fakeClock();
  const native = fakeEventSourceClass();
  const network = fakeFetch();
  const page = fakePage();
  const sink = recordingSink();
  const host = fakeHost();
  const controller = new ConnectionController(host.host, {
    settings: () => ({
      transport: "fetch",
      maxRetries: 6,
      retryBaseMs: 500,
      retryMaxMs: 15000,
      stallMs: 45000,
      // Longer than any test here waits: detecting a buffering path has tests of its own.
      bufferDetectMs: 600_000,
      headers: { Authorization: "Bearer t" },
      ...settings,
    }),
    sink,
    env: {
      fetch: network.fetch,
      EventSource: native.EventSource,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      now: clock.now,
      random,
      ...page,
    },
  });
  host.connect();
  return { clock, network, page, sink, host, controller, sources: native.sources };
}

const frames = (...events: StreamEvent[]) => events.map(encodeEvent).join("");

/** A finished one-stage workflow as the batch endpoint answers it. */
const BATCH = {
  runId: RUN,
  kind: "workflow",
  status: "complete",
  lastSeq: 7,
  panels: { reasoning: "A", chat: "x" },
  stages: [{ stage: "initial", title: "Initial assessment", reasoning: "A", chat: "x" }],
};
/** What the sink sees when BATCH is replayed. */
const BATCH_LOG = [
  "run_start#1",
  "stage_start#2",
  "content_chunk#3",
  "stage_complete#4",
  "stage_start#5",
  "content_chunk#6",
  "stage_complete#7",
  "stream_done#8",
];

Deno.test("controller streams a run to the sink and closes the stream at stream_done", async () => {
  const { network, sink, controller, clock } = setup();
  const stream = eventStream();
  network.then(stream.respond);
  controller.stream(SRC);
  const run = runEvents();
  stream.push(
    encodeRetry(1000) +
      frames(run.start("workflow", WORKFLOW_PLAN), run.chunk("reasoning", "initial", "Pain", 0)),
  );
  stream.push(frames(run.done("stop")));
  await flush();
  assert.deepEqual(sink.log, ["run_start#1", "content_chunk#2", "stream_done#3"]);
  assert.equal(network.calls.length, 1);
  assert.equal(network.calls[0].url, SRC);
  assert.deepEqual(network.calls[0].headers, {
    Authorization: "Bearer t",
    Accept: "text/event-stream",
  });
  assert.equal(network.calls[0].signal?.aborted, true);
  assert.equal(clock.pending, 0);
});

Deno.test("controller skips a malformed frame and keeps streaming", async () => {
  const { network, sink, controller } = setup();
  const stream = eventStream();
  network.then(stream.respond);
  controller.stream(SRC);
  const run = runEvents();
  stream.push(
    frames(run.start("workflow", WORKFLOW_PLAN)) + 'data: {"type":"nope"}\n\ndata: {oops\n\n',
  );
  stream.push(frames(run.chunk("reasoning", "initial", "Pain", 0)));
  await flush();
  assert.deepEqual(sink.log, ["run_start#1", "content_chunk#2"]);
});

Deno.test("controller resumes with Last-Event-ID after a cut, no sooner than the server's retry", async () => {
  const { network, sink, controller, clock } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  const run = runEvents();
  first.push(
    encodeRetry(1000) +
      frames(run.start("workflow", WORKFLOW_PLAN), run.chunk("reasoning", "initial", "Pain", 0)),
  );
  await flush();
  first.cut();
  await flush();
  assert.deepEqual(sink.log, ["run_start#1", "content_chunk#2", "status:reconnecting"]);
  assert.equal(clock.scheduled.at(-1), 1000);
  clock.advance(999);
  assert.equal(network.calls.length, 1);
  clock.advance(1);
  await flush();
  assert.equal(network.calls.length, 2);
  assert.equal(network.calls[1].url, SRC);
  assert.equal(network.calls[1].headers["Last-Event-ID"], `${RUN}.2`);
  second.push(frames(run.chunk("reasoning", "initial", " now", 1)));
  await flush();
  assert.deepEqual(sink.log.slice(3), ["status:streaming", "content_chunk#3"]);
});

Deno.test("controller reconnects from the cursor when no event nor heartbeat arrives for stall-ms", async () => {
  const { network, sink, controller, clock } = setup({ stallMs: 100 });
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  const run = runEvents();
  first.push(frames(run.start("workflow", WORKFLOW_PLAN)));
  await flush();
  clock.advance(99);
  first.push(frames({ type: "heartbeat", runId: RUN, ts: 1 }));
  await flush();
  clock.advance(99);
  assert.equal(network.calls[0].signal?.aborted, false);
  clock.advance(1);
  await flush();
  assert.equal(network.calls[0].signal?.aborted, true);
  assert.deepEqual(sink.log, ["run_start#1", "heartbeat", "status:reconnecting"]);
  clock.advance(0);
  await flush();
  assert.equal(network.calls[1].headers["Last-Event-ID"], `${RUN}.1`);
});

Deno.test("controller treats a 404 as terminal and reports its code", async () => {
  const { network, sink, controller, clock } = setup();
  network.then(json(404, { error: { code: "not_found", message: "No such case" } }));
  controller.stream(SRC);
  await flush();
  assert.deepEqual(sink.log, ["failed:not_found:false"]);
  assert.equal(clock.pending, 0);
  assert.equal(network.calls.length, 1);
});

Deno.test("controller retries a 429 no sooner than Retry-After", async () => {
  const { network, sink, controller, clock } = setup();
  network.then(
    json(429, { error: { code: "rate_limited", message: "Slow down" } }, { "Retry-After": "3" }),
  );
  controller.stream(SRC);
  await flush();
  assert.deepEqual(sink.log, ["status:reconnecting"]);
  assert.equal(clock.scheduled.at(-1), 3000);
});

Deno.test("controller backs off exponentially with full jitter between attempts", async () => {
  const { network, controller, clock } = setup({ maxRetries: 10 }, () => 0.999);
  controller.stream(SRC);
  for (let attempt = 0; attempt < 4; attempt++) {
    network.then(json(500, {}));
    await flush();
    clock.advance(clock.scheduled.at(-1)!);
  }
  await flush();
  assert.equal(network.calls.length, 5);
  // Each connection's stall watchdog and path watch are not retries.
  const retryDelays = clock.scheduled.filter((ms) => ms !== 45000 && ms !== 600_000);
  assert.deepEqual(retryDelays, [499, 999, 1998, 3996, 7992]);
});

Deno.test("controller falls back to the batch endpoint at once when streaming is disabled", async () => {
  const { network, sink, controller } = setup();
  network.then(
    json(503, { error: { code: "streaming_disabled", message: "Streaming is off" } }),
    json(200, BATCH),
  );
  controller.stream(SRC);
  await flush();
  assert.equal(network.calls[1].url, "/api/cases/c1/workflow/run");
  assert.equal(network.calls[1].method, "POST");
  assert.deepEqual(network.calls[1].body, {});
  assert.deepEqual(sink.log, BATCH_LOG);
});

Deno.test("controller falls back to batch after max-retries failed connections", async () => {
  const { network, sink, controller, clock } = setup({ maxRetries: 2 });
  network.then(offline, offline, offline, json(200, BATCH));
  controller.stream(SRC);
  for (let i = 0; i < 3; i++) {
    await flush();
    clock.advance(15000);
  }
  await flush();
  assert.deepEqual(network.calls.map((call) => call.method), ["GET", "GET", "GET", "POST"]);
  assert.deepEqual(sink.log, [
    "status:reconnecting",
    "status:reconnecting",
    ...BATCH_LOG,
  ]);
});

Deno.test("controller ends a partly streamed workflow as stream_lost when reconnecting keeps failing", async () => {
  const { network, sink, controller, clock } = setup({ maxRetries: 1 });
  const stream = eventStream();
  network.then(stream.respond, offline);
  controller.stream(SRC);
  stream.push(frames(runEvents().start("workflow", WORKFLOW_PLAN)));
  await flush();
  stream.end();
  await flush();
  clock.advance(15000);
  await flush();
  assert.deepEqual(sink.log, ["run_start#1", "status:reconnecting", "failed:stream_lost:true"]);
  assert.equal(network.calls.length, 2);
});

Deno.test("controller drops what a superseded stream still delivers", async () => {
  const { network, sink, controller } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  await flush();
  controller.stream("/api/runs/run_bbbbbbbbbbbbbbbb/stream");
  first.push(frames(runEvents().start("workflow", WORKFLOW_PLAN)));
  second.push(frames(runEvents("run_bbbbbbbbbbbbbbbb").start("chat", WORKFLOW_PLAN)));
  await flush();
  assert.deepEqual(sink.log, ["run_start#1"]);
  assert.equal(controller.position.runId, "run_bbbbbbbbbbbbbbbb");
  assert.equal(network.calls[0].signal?.aborted, true);
});

Deno.test("controller posts a chat message, then streams the run it started", async () => {
  const { network, sink, controller } = setup();
  const stream = eventStream();
  network.then(
    json(201, {
      conversationId: "c7",
      runId: RUN,
      streamUrl: `/api/runs/${RUN}/stream`,
      cancelUrl: `/api/runs/${RUN}/cancel`,
    }),
    stream.respond,
  );
  controller.chat("https://h", { message: "Why?", caseId: "c1" });
  await flush();
  assert.equal(network.calls[0].url, "https://h/api/chat/messages");
  assert.deepEqual(network.calls[0].body, { message: "Why?", caseId: "c1" });
  assert.equal(network.calls[1].url, `https://h/api/runs/${RUN}/stream`);
  assert.equal(network.calls[1].headers["Last-Event-ID"], undefined);
  assert.deepEqual(sink.log, [`chat:${RUN}`]);
});

Deno.test("controller sends a chat through the batch endpoint when streaming is disabled", async () => {
  const { network, sink, controller } = setup();
  network.then(
    json(503, { error: { code: "streaming_disabled", message: "Streaming is off" } }),
    json(200, {
      conversationId: "c7",
      runId: RUN,
      kind: "chat",
      status: "complete",
      lastSeq: 5,
      panels: { reasoning: "", chat: "Because" },
    }),
  );
  controller.continueFrom({ conversationId: "c7" });
  controller.chat("", { message: "Why?" });
  await flush();
  assert.equal(network.calls[1].url, "/api/chat");
  assert.deepEqual(network.calls[1].body, { message: "Why?", conversationId: "c7" });
  assert.deepEqual(sink.log, [
    "run_start#1",
    "stage_start#2",
    "content_chunk#3",
    "stage_complete#4",
    "stream_done#5",
  ]);
});

Deno.test("controller recovers a chat whose stream is disabled from the saved conversation", async () => {
  const { network, sink, controller, clock } = setup();
  network.then(
    json(201, {
      conversationId: "c7",
      runId: RUN,
      streamUrl: `/api/runs/${RUN}/stream`,
      cancelUrl: "/x",
    }),
    json(503, { error: { code: "streaming_disabled", message: "Streaming is off" } }),
    json(200, { runId: RUN, status: "running" }),
    json(200, { runId: RUN, status: "complete" }),
    json(200, {
      id: "c7",
      messages: [
        { id: "m1", role: "user", content: "Why?", status: "complete" },
        { id: "m2", role: "assistant", content: "Because", status: "complete", runId: RUN },
      ],
    }),
  );
  controller.chat("", { message: "Why?" });
  await flush();
  clock.advance(500);
  await flush();
  assert.deepEqual(network.calls.map((call) => call.url), [
    "/api/chat/messages",
    `/api/runs/${RUN}/stream`,
    `/api/runs/${RUN}`,
    `/api/runs/${RUN}`,
    "/api/conversations/c7",
  ]);
  assert.deepEqual(sink.log, [`chat:${RUN}`, "recovered:2:stop"]);
});

Deno.test("controller reconnects at once when the page becomes visible again", async () => {
  const { network, controller, clock, page } = setup({ retryBaseMs: 10000 });
  const stream = eventStream();
  network.then(offline, stream.respond);
  controller.stream(SRC);
  await flush();
  assert.equal(clock.pending, 1);
  page.document.dispatchEvent(new Event("visibilitychange"));
  await flush();
  assert.equal(network.calls.length, 2);
  assert.equal(clock.pending, 2); // the new connection's stall timer and path watch only
});

Deno.test("controller reconnects at once when the browser comes back online", async () => {
  const { network, controller, page } = setup({ retryBaseMs: 10000 });
  network.then(offline, eventStream().respond);
  controller.stream(SRC);
  await flush();
  page.window.dispatchEvent(new Event("online"));
  await flush();
  assert.equal(network.calls.length, 2);
});

Deno.test("controller pauses while its host is disconnected and resumes from the cursor", async () => {
  const { network, controller, host } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  const run = runEvents();
  first.push(frames(run.start("workflow", WORKFLOW_PLAN), run.chunk("chat", "initial", "Hi", 0)));
  await flush();
  host.disconnect();
  assert.equal(network.calls[0].signal?.aborted, true);
  await flush();
  assert.equal(network.calls.length, 1);
  host.connect();
  await flush();
  assert.equal(network.calls[1].headers["Last-Event-ID"], `${RUN}.2`);
});

Deno.test("controller does nothing when connected without work", async () => {
  const { network, clock } = setup();
  await flush();
  assert.equal(network.calls.length, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("eventsource transport streams and closes its source at stream_done", async () => {
  const { sources, sink, controller } = setup({ transport: "eventsource" });
  controller.stream(SRC);
  const run = runEvents();
  sources[0].open();
  for (const event of [run.start("workflow", WORKFLOW_PLAN), run.done("stop")]) {
    sources[0].message(JSON.stringify(event));
  }
  await flush();
  assert.equal(sources[0].url, SRC);
  assert.equal(sources[0].readyState, 2);
  assert.deepEqual(sink.log, ["run_start#1", "stream_done#2"]);
});

Deno.test("eventsource transport closes a cut source and reconnects after the protocol's default retry plus jitter", async () => {
  const { sources, sink, controller, clock } = setup({ transport: "eventsource" }, () => 0.5);
  controller.stream(SRC);
  sources[0].open();
  sources[0].message(JSON.stringify(runEvents().start("workflow", WORKFLOW_PLAN)));
  sources[0].fail(true);
  await flush();
  assert.equal(sources[0].readyState, 2);
  assert.equal(sources.length, 1);
  assert.equal(clock.scheduled.at(-1), 1250);
  clock.advance(1249);
  assert.equal(sources.length, 1);
  clock.advance(1);
  assert.equal(sources[1].url, `${SRC}?lastEventId=${RUN}.1`);
  assert.deepEqual(sink.log, ["run_start#1", "status:reconnecting"]);
});

Deno.test("eventsource transport falls back once max-retries cut sources in a row", async () => {
  const { sources, sink, controller, clock } = setup({ transport: "eventsource", maxRetries: 2 });
  controller.stream(SRC);
  sources[0].open();
  sources[0].message(JSON.stringify(runEvents().start("workflow", WORKFLOW_PLAN)));
  for (let attempt = 0; attempt < 3; attempt++) {
    sources.at(-1)!.fail(true);
    await flush();
    clock.advance(1000);
  }
  assert.equal(sources.length, 3);
  assert.deepEqual(sink.log, [
    "run_start#1",
    "status:reconnecting",
    "status:reconnecting",
    "failed:stream_lost:true",
  ]);
});

Deno.test("eventsource transport reconnects itself with ?lastEventId= after a stall", async () => {
  const { sources, controller, clock } = setup({ transport: "eventsource", stallMs: 50 });
  controller.stream(SRC);
  sources[0].open();
  sources[0].message(JSON.stringify(runEvents().start("workflow", WORKFLOW_PLAN)));
  clock.advance(50);
  await flush();
  clock.advance(1000);
  await flush();
  assert.equal(sources[0].readyState, 2);
  assert.equal(sources[1].url, `${SRC}?lastEventId=${RUN}.1`);
});

Deno.test("eventsource transport asks the health endpoint why it was refused and falls back", async () => {
  const { sources, network, sink, controller } = setup({ transport: "eventsource" });
  network.then(
    json(200, { status: "ok", provider: "scripted", streaming: false, version: "1" }),
    json(200, BATCH),
  );
  controller.stream("https://h/api/cases/c1/workflow/start/stream");
  sources[0].fail(false);
  await flush();
  assert.deepEqual(network.calls.map((call) => call.url), [
    "https://h/api/health",
    "https://h/api/cases/c1/workflow/run",
  ]);
  assert.deepEqual(sink.log, BATCH_LOG);
});

/** A responder the test answers later. */
function deferred() {
  let answer!: (response: Response) => void;
  const response = new Promise<Response>((resolve) => answer = resolve);
  return { respond: () => response, answer };
}

const STARTED = {
  conversationId: "c7",
  runId: RUN,
  streamUrl: `/api/runs/${RUN}/stream`,
  cancelUrl: "/x",
};

Deno.test("controller posts a chat once when its host moves while the POST is in flight", async () => {
  const { network, sink, controller, host } = setup();
  const post = deferred();
  const stream = eventStream();
  network.then(post.respond, stream.respond);
  controller.chat("", { message: "Why?" });
  host.disconnect();
  host.connect();
  await flush();
  post.answer(new Response(JSON.stringify(STARTED), { status: 201 }));
  await flush();
  assert.deepEqual(network.calls.map((call) => `${call.method} ${call.url}`), [
    "POST /api/chat/messages",
    `GET /api/runs/${RUN}/stream`,
  ]);
  assert.deepEqual(sink.log, [`chat:${RUN}`]);
  controller.stop();
});

Deno.test("controller aborts an in-flight batch request when stopped", async () => {
  const { network, sink, controller } = setup({ transport: "batch" });
  const post = deferred();
  network.then(post.respond);
  controller.stream(SRC);
  await flush();
  controller.stop();
  assert.equal(network.calls[0].signal?.aborted, true);
  post.answer(new Response(JSON.stringify(BATCH), { status: 200 }));
  await flush();
  assert.deepEqual(sink.log, []);
});

Deno.test("controller's chat recovery waits out its backoff when the page becomes visible", async () => {
  const { network, controller, clock, page } = setup();
  network.then(
    json(201, STARTED),
    json(503, { error: { code: "streaming_disabled", message: "Streaming is off" } }),
    json(200, { runId: RUN, status: "running" }),
  );
  controller.chat("", { message: "Why?" });
  await flush();
  page.document.dispatchEvent(new Event("visibilitychange"));
  await flush();
  assert.equal(network.calls.length, 3);
  assert.equal(clock.pending, 1);
  controller.stop();
});

Deno.test("controller forgets the server's retry value when new work begins", async () => {
  const { network, controller, clock } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  first.push(encodeRetry(5000));
  await flush();
  controller.stream(SRC);
  await flush();
  second.cut();
  await flush();
  assert.equal(clock.scheduled.at(-1), 0);
  controller.stop();
});

Deno.test("controller recovers a chat that failed on the server with the run's error", async () => {
  const { network, sink, controller } = setup();
  const recoveries: unknown[] = [];
  sink.recovered = (recovery) => void recoveries.push(recovery);
  network.then(
    json(201, STARTED),
    json(503, { error: { code: "streaming_disabled", message: "Streaming is off" } }),
    json(200, {
      runId: RUN,
      status: "error",
      error: { code: "upstream_error", message: "Model failed" },
    }),
    json(200, { id: "c7", messages: [] }),
  );
  controller.chat("", { message: "Why?" });
  await flush();
  assert.deepEqual(recoveries, [{
    conversationId: "c7",
    messages: [],
    finishReason: "error",
    error: { code: "upstream_error", message: "Model failed", retryAvailable: true },
  }]);
});

Deno.test("controller cancels the run of a chat message cancelled while it was being posted", async () => {
  const { network, sink, controller } = setup();
  const post = deferred();
  network.then(post.respond, json(202, {}));
  controller.chat("https://h", { message: "Why?" });
  await flush();
  controller.cancel();
  post.answer(new Response(JSON.stringify({ ...STARTED, cancelUrl: `/api/runs/${RUN}/cancel` })));
  await flush();
  assert.deepEqual(network.calls.map((call) => `${call.method} ${call.url}`), [
    "POST https://h/api/chat/messages",
    `POST https://h/api/runs/${RUN}/cancel`,
  ]);
  assert.deepEqual(sink.log, []);
});

Deno.test("controller leaves alone the run of a chat message dropped without a cancel", async () => {
  const { network, sink, controller } = setup();
  const post = deferred();
  network.then(post.respond);
  controller.chat("", { message: "Why?" });
  await flush();
  controller.stop();
  post.answer(new Response(JSON.stringify(STARTED), { status: 201 }));
  await flush();
  assert.deepEqual(network.calls.map((call) => call.url), ["/api/chat/messages"]);
  assert.deepEqual(sink.log, []);
});

Deno.test("controller delivers an event once when a resumed stream sends it again", async () => {
  const { network, sink, controller, clock } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  const run = runEvents();
  const start = run.start("workflow", WORKFLOW_PLAN);
  const chunk = run.chunk("reasoning", "initial", "Pain", 0);
  first.push(frames(start, chunk));
  await flush();
  first.cut();
  await flush();
  clock.advance(500);
  await flush();
  second.push(frames(start, chunk, run.chunk("reasoning", "initial", " now", 1)));
  await flush();
  assert.deepEqual(sink.log, [
    "run_start#1",
    "content_chunk#2",
    "status:reconnecting",
    "status:streaming",
    "content_chunk#3",
  ]);
  assert.equal(controller.position.seq, 3);
});

Deno.test("controller attaches to a named run from its start and drops other runs' events", async () => {
  const { network, sink, controller } = setup();
  const stream = eventStream();
  network.then(stream.respond);
  controller.stream(`/api/runs/${RUN}/stream`, { runId: RUN });
  assert.equal(controller.position.runId, RUN);
  await flush();
  assert.equal(network.calls[0].headers["Last-Event-ID"], undefined);
  const other = runEvents("run_bbbbbbbbbbbbbbbb");
  other.start("workflow", WORKFLOW_PLAN);
  const run = runEvents();
  stream.push(
    frames(other.chunk("reasoning", "initial", "stale", 0), run.start("chat", WORKFLOW_PLAN)),
  );
  await flush();
  assert.deepEqual(sink.log, ["run_start#1"]);
});

Deno.test("controller resumes a run it already reads after the last event it delivered", async () => {
  const { network, sink, controller } = setup();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, second.respond);
  controller.stream(SRC);
  const run = runEvents();
  first.push(
    frames(run.start("workflow", WORKFLOW_PLAN), run.chunk("reasoning", "initial", "A", 0)),
  );
  await flush();
  controller.stop();
  controller.stream(`/api/runs/${RUN}/stream`, { runId: RUN, resume: true });
  await flush();
  assert.equal(network.calls[1].headers["Last-Event-ID"], `${RUN}.2`);
  second.push(frames(run.chunk("reasoning", "initial", "B", 1)));
  await flush();
  assert.deepEqual(sink.log, [
    "run_start#1",
    "content_chunk#2",
    "status:streaming",
    "content_chunk#3",
  ]);
});

Deno.test("controller continues the conversation of the run it read until it forgets it", async () => {
  const { network, controller } = setup();
  const stream = eventStream();
  network.then(stream.respond);
  controller.stream(SRC);
  stream.push(frames(runEvents().start("chat", WORKFLOW_PLAN, "c2")));
  await flush();
  assert.equal(controller.position.conversationId, "c2");
  controller.chat("", { message: "And then?" });
  await flush();
  assert.deepEqual(network.calls[1].body, { message: "And then?", conversationId: "c2" });
  controller.forget();
  assert.deepEqual(controller.position, { seq: 0 });
  controller.chat("", { message: "New" });
  await flush();
  assert.deepEqual(network.calls[2].body, { message: "New" });
});
