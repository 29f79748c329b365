/// <reference path="./support/mocha-globals.d.ts" />
/**
 * The `testing` entry on its own, with no server: every fault of a scripted stream brings the
 * elements where the real server would (tests/browser/testing-server.test.ts compares the two).
 */
import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { ReasoningPanel } from "../../widgets/reasoning-panel.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import {
  chatRun,
  failedRun,
  panelsOf,
  recordRun,
  renderedText,
  type RunLog,
  type ScriptedOptions,
  type ScriptedStream,
  scriptedStream,
  waitForDone,
  waitForStage,
  waitForStatus,
  workflowRun,
} from "../../widgets/testing/index.ts";
import { assert, assertEqual } from "./support/assert.ts";
import { mount, recordEvents, unmountAll } from "./support/dom.ts";

const RUN = workflowRun[0].runId;
const FULL = panelsOf(workflowRun);

/** A provider with both panels, fed by a scripted stream of `log`. */
function scripted(log = workflowRun, options: ScriptedOptions = {}, attributes = "") {
  const stream = scriptedStream(log, options);
  const provider = mount<StreamProvider>(
    `<stream-provider retry-base-ms="10" ${attributes}><reasoning-panel></reasoning-panel><chat-stream></chat-stream></stream-provider>`,
  );
  provider.fetch = stream.fetch;
  return { stream, provider };
}

const textOf = (provider: StreamProvider) => ({
  reasoning: panelText(provider.view, "reasoning"),
  chat: panelText(provider.view, "chat"),
});

/** The cursor each stream request carried. */
const cursors = (stream: ScriptedStream) =>
  stream.requests.filter((request) => request.path === stream.src).map((request) => request.cursor);

/** The Retry button the panels show for a failed run, once rendered. */
async function retryButton(provider: StreamProvider): Promise<HTMLButtonElement> {
  const panel = provider.querySelector("reasoning-panel") as ReasoningPanel;
  await panel.updateComplete;
  return panel.shadowRoot!.querySelector('[part~="retry-button"]')!;
}

afterEach(unmountAll);

describe("stream-widgets/testing", () => {
  it("plays a 34 s recorded workflow in under a second with virtual timing, verified", async () => {
    const span = workflowRun.at(-1)!.ts - workflowRun[0].ts;
    assert(span >= 30_000, `the recording lasts ${span} ms`);
    const { stream, provider } = scripted();
    const started = performance.now();
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    const elapsed = performance.now() - started;
    assert(elapsed < 1000, `played in ${elapsed.toFixed(0)} ms`);
    assertEqual(textOf(provider), FULL, "text");
    const panel = provider.querySelector("reasoning-panel")!;
    await (panel as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    assertEqual(renderedText(panel).length, 4, "a rendered section per stage");
    assert(renderedText(panel)[0].startsWith("Gloria Pennington, 67-year-old"), "rendered text");
  });

  it("spaces events as recorded with a pace factor", async () => {
    const span = chatRun.at(-1)!.ts - chatRun[0].ts;
    const { stream, provider } = scripted(chatRun, { pace: 20 });
    const started = performance.now();
    provider.send("Which medicines should be held?");
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    const elapsed = performance.now() - started;
    assert(elapsed >= span / 20, `played in ${elapsed.toFixed(0)} ms, recorded ${span} ms`);
    assertEqual(stream.requests[0], { method: "POST", path: "/api/chat/messages" }, "the POST");
    assertEqual(provider.view.messages.map((m) => m.role), ["user", "assistant"], "messages");
    assert(textOf(provider).reasoning.length > 50, "the reasoning is shown");
  });

  it("fails after N events with the partial text kept and Retry, which plays a new run", async () => {
    const { stream, provider } = scripted(workflowRun, { errorAfter: 120 });
    const errors = recordEvents<Event & { code: string; retryAvailable: boolean }>(
      provider,
      "stream-error",
    );
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "error", verified: true }, "failed");
    assertEqual(errors.map((e) => [e.code, e.retryAvailable]), [["upstream_error", true]], "error");
    assertEqual(provider.view.lastSeq, 122, "the error and stream_done follow event 120");
    assertEqual(textOf(provider), panelsOf(workflowRun.slice(0, 120)), "partial text");
    await retryButton(provider).then((button) => button.click());
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "retried");
    assertEqual(provider.view.runId, `${RUN}-run2`, "Retry started a new run");
    assertEqual(textOf(provider), FULL, "whole text after Retry");
  });

  it("resumes from the cursor after a cut, no word lost or doubled", async () => {
    const { stream, provider } = scripted(workflowRun, { cutAfter: 200 });
    const statuses = recordEvents<Event & { status: string }>(provider, "stream-status");
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    assert(statuses.some((event) => event.status === "reconnecting"), "reconnected");
    assertEqual(cursors(stream), [undefined, `${RUN}.200`], "cursors");
    assertEqual(textOf(provider), FULL, "text");
  });

  it("resumes from the cursor once stall-ms runs out on a silent connection", async () => {
    const { stream, provider } = scripted(workflowRun, { stallAfter: 300 }, 'stall-ms="150"');
    provider.start(stream.src);
    await waitForStage(provider, "initial", { panel: "reasoning", status: "streaming" });
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    assertEqual(cursors(stream), [undefined, `${RUN}.300`], "cursors");
    assertEqual(textOf(provider), FULL, "text");
  });

  it("answers stream_lost for a lost run; Retry starts src anew", async () => {
    const { stream, provider } = scripted(workflowRun, { streamLost: true });
    provider.start(stream.src);
    const lost = await waitForStatus(provider, "error");
    assertEqual([lost.error?.code, lost.error?.retryAvailable], ["stream_lost", true], "error");
    assertEqual(await waitForDone(provider), { finishReason: "error", verified: true }, "ended");
    provider.retry();
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "retried");
    assertEqual(textOf(provider), FULL, "text");
  });

  it("keeps the partial text when the run is lost after a cut", async () => {
    const { stream, provider } = scripted(workflowRun, { cutAfter: 50, streamLost: true });
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "error", verified: false }, "ended");
    assertEqual(provider.view.error?.code, "stream_lost", "error");
    assertEqual(textOf(provider), panelsOf(workflowRun.slice(0, 50)), "partial text");
  });

  it("falls back to the batch endpoint when streaming is disabled, with the same text", async () => {
    const { stream, provider } = scripted(workflowRun, { streamingDisabled: true });
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    assertEqual(provider.view.transport, "batch", "transport");
    assertEqual(stream.requests.findLast((request) => request.method === "POST"), {
      method: "POST",
      path: "/api/cases/aki-nsaids/workflow/run",
    }, "batch request");
    assertEqual(textOf(provider), FULL, "text");
  });

  it("serves the long-poll transport from its cursor", async () => {
    const { stream, provider } = scripted(chatRun, {}, 'transport="poll"');
    provider.attach(chatRun[0].runId);
    assertEqual(await waitForDone(provider), { finishReason: "stop", verified: true }, "done");
    assertEqual(provider.view.transport, "poll", "transport");
    assert(stream.requests.some((r) => r.path.includes("/events?after=")), "long-polled");
    assertEqual(textOf(provider), panelsOf(chatRun), "text");
  });

  it("cancels the run through its cancel endpoint while it plays", async () => {
    const { stream, provider } = scripted(workflowRun, { pace: 1 });
    provider.start(stream.src);
    await waitForStage(provider, "initial", { panel: "reasoning", status: "streaming" });
    await provider.cancel();
    assertEqual(await waitForDone(provider), { finishReason: "cancelled", verified: true }, "done");
    assertEqual(stream.requests.at(-1)?.path, `/api/runs/${RUN}/cancel`, "cancel request");
    assert(textOf(provider).reasoning.length < FULL.reasoning.length, "cut short");
  });

  it("plays a recorded failed run as the server streamed it", async () => {
    const { stream, provider } = scripted(failedRun);
    provider.start(stream.src);
    assertEqual(await waitForDone(provider), { finishReason: "error", verified: true }, "done");
    assertEqual(provider.view.error?.code, "upstream_error", "error");
  });

  it("records a run back from a stream exactly as it was logged", async () => {
    const stream = scriptedStream(chatRun);
    const recorded = await recordRun(chatRun[0].runId, { fetch: stream.fetch });
    assertEqual<RunLog>(recorded, chatRun, "log");
  });

  it("rejects a wait that times out, naming what it waited for", async () => {
    const { provider } = scripted();
    const error = await waitForStatus(provider, "done", { timeoutMs: 20 }).catch((e) => e);
    assertEqual(
      (error as Error).message,
      'No status "done" within 20 ms (status "idle", seq 0)',
      "error",
    );
  });
});
