/**
 * The connection controller on a path that holds streams back: it goes on with the same run by
 * long-poll from its cursor (no gap, no duplicate), and replaces a silent connection at once when
 * the page becomes visible again. Time is the fake clock's.
 */
import assert from "node:assert/strict";
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import type { StreamEvent } from "../../protocol/events.ts";
import { ConnectionController } from "../../widgets/connection/connection-controller.ts";
import type { ConnectionSettings } from "../../widgets/connection/connection-types.ts";
import { RUN, runEvents, WORKFLOW_PLAN } from "./fixtures.ts";
import {
  type Call,
  eventStream,
  fakeClock,
  fakeEventSourceClass,
  fakeFetch,
  fakeHost,
  fakePage,
  flush,
  json,
  recordingSink,
} from "./support/fakes.ts";

const STREAM = `/api/runs/${RUN}/stream`;
const EVENTS = `/api/runs/${RUN}/events`;

function setup(settings: Partial<ConnectionSettings> = {}) {
  const clock = fakeClock();
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
      bufferDetectMs: 2000,
      headers: {},
      ...settings,
    }),
    sink,
    env: {
      fetch: network.fetch,
      EventSource: fakeEventSourceClass().EventSource,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      now: clock.now,
      random: () => 0,
      ...page,
    },
  });
  host.connect();
  return { clock, network, page, sink, controller };
}

/** A response held back by the path: it never arrives, until the request is aborted. */
const heldBack = (call: Call) =>
  new Promise<Response>((_, reject) =>
    call.signal?.addEventListener("abort", () => reject(new DOMException("Aborted", "AbortError")))
  );

const answer = (events: StreamEvent[], done: boolean) => json(200, { events, done });
const frames = (...events: StreamEvent[]) => events.map(encodeEvent).join("");

Deno.test("controller polls the run from its start when no byte arrives within buffer-detect-ms", async () => {
  const { clock, network, sink, controller } = setup();
  const run = runEvents();
  const start = run.start("workflow", WORKFLOW_PLAN);
  const chunk = run.chunk("reasoning", "initial", "Pain", 0);
  network.then(heldBack, answer([start, chunk], false), answer([run.done("stop")], true));
  controller.stream(STREAM, { runId: RUN });
  await flush();
  clock.advance(1999);
  await flush();
  assert.equal(network.calls.length, 1);
  clock.advance(1);
  await flush();
  assert.equal(network.calls[0].signal?.aborted, true, "the held-back stream is let go");
  assert.deepEqual(network.calls.slice(1).map((call) => call.url), [
    `${EVENTS}?after=${RUN}.0&wait=25000`,
    `${EVENTS}?after=${RUN}.2&wait=25000`,
  ]);
  // Each answer after the first is the stream going on: reported as such (the view dedupes).
  assert.deepEqual(sink.log, [
    "run_start#1",
    "content_chunk#2",
    "status:streaming",
    "stream_done#3",
  ]);
  assert.deepEqual(sink.transports, ["fetch", "poll"]);
});

Deno.test("controller moves a bursting stream to long-poll from its cursor, no gap, no duplicate", async () => {
  const { clock, network, sink, controller } = setup();
  const run = runEvents();
  const sse = eventStream();
  const events = [
    run.start("workflow", WORKFLOW_PLAN),
    run.chunk("reasoning", "initial", "Pain ", 0),
    run.chunk("reasoning", "initial", "in ", 1),
    run.chunk("reasoning", "initial", "chest", 2),
  ];
  network.then(sse.respond, json(200, { runId: RUN, lastSeq: 4 }));
  network.then(answer(events.slice(2), false), answer([run.done("stop")], true));
  controller.stream(STREAM, { runId: RUN });
  await flush();
  sse.push(encodeRetry(1000) + frames(...events.slice(0, 2)));
  await flush();
  clock.advance(2000);
  await flush();
  assert.equal(network.calls[1].url, `/api/runs/${RUN}`, "the run's status is asked");
  clock.advance(499);
  await flush();
  assert.equal(network.calls.length, 2);
  clock.advance(1);
  await flush();
  assert.equal(network.calls[2].url, `${EVENTS}?after=${RUN}.2&wait=25000`);
  assert.deepEqual(sink.log, [
    "run_start#1",
    "content_chunk#2",
    "status:streaming",
    "content_chunk#3",
    "content_chunk#4",
    "status:streaming",
    "stream_done#5",
  ]);
  assert.deepEqual(sink.transports, ["fetch", "poll"]);
});

Deno.test("controller stays on SSE while a quiet model has logged nothing new", async () => {
  const { clock, network, sink, controller } = setup();
  const run = runEvents();
  const sse = eventStream();
  network.then(sse.respond, json(200, { runId: RUN, lastSeq: 1 }));
  controller.stream(STREAM, { runId: RUN });
  await flush();
  sse.push(encodeRetry(1000) + frames(run.start("workflow", WORKFLOW_PLAN)));
  await flush();
  clock.advance(2500);
  await flush();
  sse.push(frames(run.chunk("reasoning", "initial", "Pain", 0), run.done("stop")));
  await flush();
  assert.deepEqual(network.calls.map((call) => call.url), [STREAM, `/api/runs/${RUN}`]);
  assert.deepEqual(sink.log, ["run_start#1", "content_chunk#2", "stream_done#3"]);
  assert.deepEqual(sink.transports, ["fetch"]);
});

Deno.test("controller with transport poll reads a started run by long-poll once run_start names it", async () => {
  const { network, sink, controller } = setup({ transport: "poll" });
  const run = runEvents();
  const sse = eventStream();
  const start = run.start("workflow", WORKFLOW_PLAN);
  network.then(sse.respond, answer([run.done("stop")], true));
  controller.stream("/api/cases/c1/workflow/start/stream");
  await flush();
  sse.push(encodeRetry(1000) + frames(start));
  await flush();
  assert.equal(network.calls[1].url, `${EVENTS}?after=${RUN}.1&wait=25000`);
  assert.deepEqual(sink.log, ["run_start#1", "status:streaming", "stream_done#2"]);
  assert.deepEqual(sink.transports, ["fetch", "poll"]);
});

Deno.test("controller reports a long-poll's stream_lost as the stream's, with Retry", async () => {
  const { network, sink, controller } = setup({ transport: "poll" });
  network.then(json(404, { error: { code: "stream_lost", message: "Gone" } }));
  controller.stream(STREAM, { runId: RUN });
  await flush();
  assert.equal(network.calls[0].url, `${EVENTS}?after=${RUN}.0&wait=25000`);
  assert.deepEqual(sink.log, ["failed:stream_lost:true"]);
});

Deno.test("controller replaces a silent connection at once when the page becomes visible", async () => {
  const { clock, network, page, sink, controller } = setup({ bufferDetectMs: 2000 });
  const run = runEvents();
  const first = eventStream();
  const second = eventStream();
  network.then(first.respond, json(200, { runId: RUN, lastSeq: 1 }), second.respond);
  controller.stream(STREAM, { runId: RUN });
  await flush();
  first.push(encodeRetry(1000) + frames(run.start("workflow", WORKFLOW_PLAN)));
  await flush();
  const document = page.document as unknown as { visibilityState: string } & EventTarget;
  document.visibilityState = "hidden";
  document.dispatchEvent(new Event("visibilitychange"));
  clock.advance(1000);
  document.visibilityState = "visible";
  document.dispatchEvent(new Event("visibilitychange"));
  await flush();
  assert.equal(network.calls.length, 1, "a connection silent for 1 s is kept");
  document.visibilityState = "hidden";
  document.dispatchEvent(new Event("visibilitychange"));
  clock.advance(1500);
  await flush();
  document.visibilityState = "visible";
  document.dispatchEvent(new Event("visibilitychange"));
  await flush();
  const resumed = network.calls.at(-1)!;
  assert.deepEqual([resumed.url, resumed.headers["Last-Event-ID"]], [STREAM, `${RUN}.1`]);
  assert.equal(network.calls[0].signal?.aborted, true);
  second.push(frames(run.done("stop")));
  await flush();
  assert.deepEqual(sink.log, ["run_start#1", "status:streaming", "stream_done#2"]);
});
