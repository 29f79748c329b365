/// <reference path="./support/mocha-globals.d.ts" />
/**
 * A scripted stream against the real server: the same events, and each fault, bring the elements
 * to the very view the real server brings them to.
 */
import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { ViewState } from "../../widgets/state/view-state.ts";
import {
  recordRun,
  type RunLog,
  type ScriptedOptions,
  scriptedStream,
  waitForDone,
} from "../../widgets/testing/index.ts";
import { armFault, resetServer, setStreaming } from "./support/api.ts";
import { assert, assertEqual } from "./support/assert.ts";
import { mount, unmountAll } from "./support/dom.ts";

const SRC = "/api/cases/aki-nsaids/workflow/start/stream";

function provider(): StreamProvider {
  return mount<StreamProvider>(
    `<stream-provider retry-base-ms="10"><reasoning-panel></reasoning-panel><chat-stream></chat-stream></stream-provider>`,
  );
}

/** Runs `start` on a provider of the real server; resolves with its view once done. */
async function real(start: (provider: StreamProvider) => void) {
  const element = provider();
  start(element);
  const done = await waitForDone(element, { timeoutMs: 15_000 });
  return { view: element.view, done };
}

/** Plays `log` with `options` on a provider; resolves with its view once done. */
async function scripted(
  log: RunLog,
  options: ScriptedOptions = {},
  start = (element: StreamProvider, src: string) => element.start(src),
) {
  const stream = scriptedStream(log, options);
  const element = provider();
  element.fetch = stream.fetch;
  start(element, stream.src);
  const done = await waitForDone(element);
  return { view: element.view, done, stream };
}

/** A view with its run id spelled `RUN`, to compare two runs of the same text. */
const anonymous = (view: ViewState) =>
  JSON.parse(JSON.stringify(view).replaceAll(view.runId!, "RUN"));

/** Records a clean real run of SRC. */
async function recordedRun() {
  const run = await real((element) => element.start(SRC));
  return { ...run, log: await recordRun(run.view.runId!) };
}

afterEach(async () => {
  unmountAll();
  await resetServer();
});

describe("stream-widgets/testing against the real server", () => {
  it("shows the identical view and digest for the same events", async () => {
    const { view, done, log } = await recordedRun();
    const played = await scripted(log);
    assertEqual(done, { finishReason: "stop", verified: true }, "real run");
    assertEqual(played.done, done, "scripted run");
    assertEqual(played.view, view, "view");
    assertEqual(played.stream.runs[0].events, log, "events");
  });

  it("ends a run failed after N events exactly as the server ends a model failure", async () => {
    await armFault("fail", 700);
    const failed = await real((element) => element.start(SRC));
    const log = await recordRun(failed.view.runId!);
    const lastBefore = log.findIndex((event) => event.type === "error") - 1;
    const seq = log[lastBefore].seq;
    const played = await scripted(log.slice(0, lastBefore + 1), { errorAfter: seq });
    assertEqual(played.done, failed.done, "stream-done");
    assertEqual(played.view, failed.view, "view");
    const withoutTime = (events: RunLog) => events.map(({ ts: _, ...event }) => event);
    assertEqual(withoutTime(played.stream.runs[0].events), withoutTime(log), "events");
  });

  it("resumes after a cut to the view a real cut resumes to", async () => {
    await armFault("cut", 600);
    const cut = await real((element) => element.start(SRC));
    const played = await scripted(await recordRun(cut.view.runId!), { cutAfter: 60 });
    assertEqual(cut.done, { finishReason: "stop", verified: true }, "real run");
    assertEqual(played.done, cut.done, "stream-done");
    assertEqual(played.view, cut.view, "view");
    assertEqual(
      played.stream.requests.filter((request) => request.cursor).length,
      1,
      "resumed once",
    );
  });

  it("answers stream_lost for a run it does not know as the server does", async () => {
    const unknown = "unknown-run-00000000000000";
    const lost = await real((element) => element.attach(unknown));
    const played = await scripted(
      (await recordedRun()).log,
      {},
      (element) => element.attach(unknown),
    );
    assertEqual(lost.view.error?.code, "stream_lost", "real error");
    assertEqual(played.done, lost.done, "stream-done");
    assertEqual(played.view, lost.view, "view");
  });

  it("falls back to batch with streaming disabled to the view the server's batch answer gives", async () => {
    const { log } = await recordedRun();
    await setStreaming(false);
    const batch = await real((element) => element.start(SRC));
    const played = await scripted(log, { streamingDisabled: true });
    assertEqual(batch.view.transport, "batch", "real transport");
    assertEqual(played.done, batch.done, "stream-done");
    assertEqual(anonymous(played.view), anonymous(batch.view), "view");
    assert(played.stream.runs.length === 1, "one batch run");
  });
});
