/// <reference path="./support/mocha-globals.d.ts" />
import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type {
  StreamDoneEvent,
  StreamErrorEvent,
  StreamEventEvent,
  StreamStatusEvent,
} from "../../widgets/events.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { armFault, probeRun, resetServer, setPace, setStreaming } from "./support/api.ts";
import { assert, assertEqual } from "./support/assert.ts";
import { stubFetch } from "./support/fetch-stub.ts";
import { chatRun, scriptedStream, workflowRun } from "../../widgets/testing/index.ts";
import { mount, nextEvent, recordEvents, unmountAll, waitFor } from "./support/dom.ts";

const CASE = "chest-pain-acs";
const SRC = `/api/cases/${CASE}/workflow/start/stream`;
/** One stage only: for the tests that need a run, not the whole workflow. */
const STAGE_SRC = `/api/cases/${CASE}/workflow/stages/initial/stream`;
const STAGES = ["initial", "extraction", "diagnosis", "plan"];

/** A provider for the whole workflow of CASE. */
function workflowProvider(
  transport: "fetch" | "eventsource" | "batch" = "fetch",
  extra = "",
): StreamProvider {
  return mount<StreamProvider>(
    `<stream-provider src="${SRC}" transport="${transport}" retry-base-ms="50" ${extra}></stream-provider>`,
  );
}

/** Starts the provider's work and resolves with its `stream-done`. */
async function runToEnd(
  provider: StreamProvider,
  start = () => provider.start(),
): Promise<StreamDoneEvent> {
  const done = nextEvent<StreamDoneEvent>(provider, "stream-done");
  start();
  try {
    return await done;
  } catch (error) {
    const { status, error: viewError, runId, lastSeq } = provider.view;
    throw new Error(
      `${(error as Error).message}; view: ${JSON.stringify({ status, viewError, runId, lastSeq })}`,
    );
  }
}

/** The rendered text of both panels equals the server's, exactly. */
async function assertSameTextAsServer(provider: StreamProvider): Promise<void> {
  const probe = await probeRun(provider.view.runId!);
  assertEqual(panelText(provider.view, "reasoning"), probe.panels.reasoning, "reasoning text");
  assertEqual(panelText(provider.view, "chat"), probe.panels.chat, "chat text");
  assert(probe.panels.reasoning.length > 200, "the run wrote a long analysis");
}

let restoreFetch: (() => void) | undefined;
afterEach(async () => {
  unmountAll();
  restoreFetch?.();
  restoreFetch = undefined;
  await resetServer();
});

describe("<stream-provider>", () => {
  for (const transport of ["fetch", "eventsource"] as const) {
    it(`streams a whole workflow over ${transport}, stages in order, text verified`, async () => {
      const provider = workflowProvider(transport);
      const statuses = recordEvents<StreamStatusEvent>(provider, "stream-status");
      const stageStarts = recordEvents<StreamEventEvent>(provider, "stream-event");
      const done = await runToEnd(provider);
      assertEqual([done.finishReason, done.verified], ["stop", true], "finish");
      assertEqual(
        statuses.map((event) => event.status),
        ["connecting", "streaming", "done"],
        "statuses",
      );
      const view = provider.view;
      assertEqual(view.verified, true, "view.verified");
      assertEqual(
        view.sections.reasoning.map((s) => [s.stage, s.status, s.stageIndex, s.stageCount]),
        STAGES.map((stage, i) => [stage, "complete", i, 4]),
        "reasoning sections",
      );
      assertEqual(view.sections.chat.map((s) => s.status), [
        "complete",
        "complete",
        "complete",
        "complete",
      ], "chat sections");
      assertEqual(
        view.messages.map((m) => [m.role, m.status]),
        STAGES.map(() => ["assistant", "complete"]),
        "summaries",
      );
      const order = stageStarts.map((e) => e.event).filter((e) => e.type === "stage_start").map((
        e,
      ) => e.type === "stage_start" ? `${e.stage}/${e.panel}` : "");
      assertEqual(
        order,
        STAGES.flatMap((stage) => [`${stage}/reasoning`, `${stage}/chat`]),
        "routing order",
      );
      await assertSameTextAsServer(provider);
    });

    it(`resumes over ${transport} after the connection is cut mid-stream, no word lost or doubled`, async () => {
      await armFault("cut", 40);
      const provider = workflowProvider(transport);
      const statuses = recordEvents<StreamStatusEvent>(provider, "stream-status");
      const done = await runToEnd(provider);
      assert(statuses.some((event) => event.status === "reconnecting"), "the provider reconnected");
      assertEqual([done.finishReason, done.verified], ["stop", true], "finish");
      await assertSameTextAsServer(provider);
    });
  }

  it("detects a stalled stream, reconnects from the cursor, then gives up keeping the partial text", async () => {
    await armFault("stall", 200);
    const provider = workflowProvider("fetch", 'stall-ms="400" max-retries="2"');
    const statuses = recordEvents<StreamStatusEvent>(provider, "stream-status");
    const dones = recordEvents<StreamDoneEvent>(provider, "stream-done");
    const error = nextEvent<StreamErrorEvent>(provider, "stream-error");
    provider.start();
    const reported = await error;
    assertEqual(
      [reported.code, reported.message, reported.retryAvailable],
      ["stream_lost", "The connection was lost before the answer was complete", true],
      "stream-error",
    );
    assertEqual(
      dones.map((done) => [done.finishReason, done.verified]),
      [["error", false]],
      "one stream-done",
    );
    assert(
      statuses.filter((event) => event.status === "reconnecting").length >= 2,
      "reconnected after each stall",
    );
    assert(panelText(provider.view, "reasoning").length >= 200, "partial text kept");
    assertEqual(
      (await probeRun(provider.view.runId!)).status,
      "running",
      "the stalled run still runs",
    );
    await fetch(`/api/runs/${provider.view.runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
  });

  it("keeps the partial text on an upstream failure, reports it, and Retry runs the work again", async () => {
    await armFault("fail", 300);
    const provider = workflowProvider();
    const error = nextEvent<StreamErrorEvent>(provider, "stream-error");
    const failed = await runToEnd(provider);
    const reported = await error;
    assertEqual([failed.finishReason, provider.view.status], ["error", "error"], "failed run");
    assertEqual([reported.code, reported.retryAvailable], ["upstream_error", true], "stream-error");
    const partial = panelText(provider.view, "reasoning");
    assert(partial.length >= 300, `partial text kept (${partial.length} characters)`);
    assertEqual(provider.view.sections.reasoning[0].status, "error", "interrupted section");
    const failedRun = provider.view.runId;
    const retried = await runToEnd(provider, () => provider.retry());
    assertEqual([retried.finishReason, retried.verified], ["stop", true], "retried run");
    assert(provider.view.runId !== failedRun, "Retry started a new run");
    await assertSameTextAsServer(provider);
  });

  it("announces an error once for both panels, and the end of a repeated run again", async () => {
    await armFault("fail", 300);
    const provider = mount<StreamProvider>(
      `<stream-provider src="${STAGE_SRC}" retry-base-ms="50">
        <reasoning-panel></reasoning-panel><chat-stream></chat-stream>
      </stream-provider>`,
    );
    const region = (role: string) => provider.shadowRoot!.querySelector(`[role="${role}"]`)!;
    const failed = await runToEnd(provider);
    await provider.updateComplete;
    assertEqual(failed.finishReason, "error", "failed run");
    assertEqual(region("alert").textContent!.trim(), provider.view.error!.message, "the alert");
    const panels = [...provider.querySelectorAll("reasoning-panel, chat-stream")];
    for (const panel of panels) {
      await (panel as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    }
    assertEqual(
      panels.map((panel) => panel.shadowRoot!.querySelectorAll('[role="alert"]').length),
      [0, 0],
      "no alert in the panels",
    );
    await runToEnd(provider);
    await provider.updateComplete;
    // The stage's completion may come in the same read as the run's end: said together, in order.
    const ending = /^(?:Initial assessment complete\. )?Finished$/;
    const finished = region("status").lastChild;
    assert(ending.test(region("status").textContent!.trim()), "the run's end");
    await runToEnd(provider);
    await provider.updateComplete;
    assert(ending.test(region("status").textContent!.trim()), "the repeat's end");
    assert(finished !== region("status").lastChild, "the repeat is announced as new text");
  });

  it("cancels the run on the server and ends as cancelled", async () => {
    await setPace(400);
    const provider = workflowProvider();
    const firstChunk = new Promise<void>((resolve) =>
      provider.addEventListener(
        "stream-event",
        (e) => e.event.type === "content_chunk" && resolve(),
      )
    );
    const done = nextEvent<StreamDoneEvent>(provider, "stream-done");
    provider.start();
    await firstChunk;
    await provider.cancel();
    assertEqual((await done).finishReason, "cancelled", "finish");
    assertEqual(provider.view.status, "cancelled", "status");
    assertEqual((await probeRun(provider.view.runId!)).status, "cancelled", "server run status");
  });

  it("sends a chat message, streams the reply and shows the history after a reload", async () => {
    sessionStorage.clear();
    const provider = mount<StreamProvider>(
      `<stream-provider resume-key="chat-test"></stream-provider>`,
    );
    const done = await runToEnd(
      provider,
      () => provider.send("Which troponin threshold applies?"),
    );
    assertEqual([done.finishReason, done.verified], ["stop", true], "reply finished");
    const messages = provider.view.messages;
    assertEqual(messages.map((m) => [m.role, m.status]), [["user", "complete"], [
      "assistant",
      "complete",
    ]], "conversation");
    assert(messages[1].content.length > 20, "the reply has text");
    unmountAll();
    const reloaded = mount<StreamProvider>(
      `<stream-provider resume-key="chat-test"></stream-provider>`,
    );
    const history = await new Promise<StreamProvider["view"]>((resolve) => {
      const check = () =>
        reloaded.view.messages.length > 0 ? resolve(reloaded.view) : requestAnimationFrame(check);
      check();
    });
    assertEqual(history.conversationId, provider.view.conversationId, "conversation");
    assertEqual(
      history.messages.map((m) => [m.role, m.content]),
      messages.map((m) => [m.role, m.content]),
      "history",
    );
  });

  it("keeps a message sent right after a reload, after the saved exchange it continues", async () => {
    sessionStorage.clear();
    const provider = mount<StreamProvider>(
      `<stream-provider resume-key="chat-race"></stream-provider>`,
    );
    await runToEnd(provider, () => provider.send("First question"));
    unmountAll();
    const reloaded = mount<StreamProvider>(
      `<stream-provider resume-key="chat-race"></stream-provider>`,
    );
    const done = await runToEnd(reloaded, () => reloaded.send("Second question"));
    assertEqual(done.finishReason, "stop", "second reply finished");
    // The saved view shows the first exchange at once, before anything can be sent.
    assertEqual(
      reloaded.view.messages.filter((m) => m.role === "user").map((m) => m.content),
      ["First question", "Second question"],
      "the message sent after the reload is kept",
    );
  });

  it("stops at once on cancel() while the batch request has no run yet", async () => {
    await setPace(400);
    const provider = workflowProvider("batch");
    const statuses = recordEvents<StreamStatusEvent>(provider, "stream-status");
    provider.start();
    await provider.cancel();
    assertEqual(provider.view.status, "cancelled", "status");
    assertEqual(statuses.map((event) => event.status), ["connecting", "cancelled"], "statuses");
  });

  it("cancels on the server a chat run cancelled while its message was being posted", async () => {
    await setPace(400);
    const original = globalThis.fetch;
    const posts: { url: string; response: Promise<Response> }[] = [];
    globalThis.fetch = (input, init) => {
      const response = original(input, init);
      // Cloned before the provider reads the body.
      if (init?.method === "POST") {
        posts.push({
          url: String(input),
          response: response.then((r) => r.clone()),
        });
      }
      return response;
    };
    try {
      const provider = mount<StreamProvider>(`<stream-provider></stream-provider>`);
      const done = nextEvent<StreamDoneEvent>(provider, "stream-done");
      provider.send("Is aspirin indicated?");
      await provider.cancel();
      assertEqual(
        [(await done).finishReason, provider.view.status],
        ["cancelled", "cancelled"],
        "end",
      );
      const { runId } = await (await posts[0].response).json() as { runId: string };
      const cancel = await waitFor(() => posts.find((post) => post.url.endsWith("/cancel")));
      assertEqual(cancel.url, `/api/runs/${runId}/cancel`, "cancel URL");
      await cancel.response;
      assertEqual((await probeRun(runId)).status, "cancelled", "server run status");
    } finally {
      globalThis.fetch = original;
    }
  });

  it("works with resume-key where the page may not touch sessionStorage", async () => {
    const own = Object.getOwnPropertyDescriptor(window, "sessionStorage")!;
    Object.defineProperty(window, "sessionStorage", {
      configurable: true,
      get() {
        throw new DOMException("The document is sandboxed", "SecurityError");
      },
    });
    try {
      const provider = mount<StreamProvider>(
        `<stream-provider src="${STAGE_SRC}" resume-key="blocked" autostart></stream-provider>`,
      );
      const done = await nextEvent<StreamDoneEvent>(provider, "stream-done");
      assertEqual([done.finishReason, done.verified], ["stop", true], "finish");
    } finally {
      Object.defineProperty(window, "sessionStorage", own);
    }
  });

  it("recovers a chat whose stream is lost from the saved conversation, unverified", async () => {
    await setPace(2000);
    await armFault("cut", 40);
    const provider = mount<StreamProvider>(
      `<stream-provider retry-base-ms="50"></stream-provider>`,
    );
    provider.addEventListener("stream-status", (event) => {
      if (event.status === "reconnecting") void setStreaming(false);
    });
    const done = await runToEnd(provider, () => provider.send("Is aspirin indicated?"));
    assertEqual([done.finishReason, done.verified], ["stop", false], "stream-done");
    assertEqual(provider.view.status, "done", "status");
    assertEqual(
      provider.view.messages.map((m) => [m.role, m.status]),
      [["user", "complete"], ["assistant", "complete"]],
      "the saved conversation",
    );
    assertEqual(
      provider.view.sections.reasoning.filter((s) => s.status === "streaming").length,
      0,
      "no section left writing",
    );
  });

  it("re-sends the last chat message on Retry after a failed reply", async () => {
    await armFault("fail", 40);
    const provider = mount<StreamProvider>(`<stream-provider></stream-provider>`);
    const failed = await runToEnd(provider, () => provider.send("Is aspirin indicated?"));
    assertEqual(failed.finishReason, "error", "first reply failed");
    const retried = await runToEnd(provider, () => provider.retry());
    assertEqual([retried.finishReason, retried.verified], ["stop", true], "retried reply");
    const messages = provider.view.messages;
    assertEqual(
      messages.filter((m) => m.role === "user").map((m) => m.content),
      ["Is aspirin indicated?"],
      "the message shown once",
    );
    assertEqual(
      [messages.at(-1)!.role, messages.at(-1)!.status],
      ["assistant", "complete"],
      "reply",
    );
  });

  it("resumes a workflow run after a reload with resume-key, without starting another run", async () => {
    sessionStorage.clear();
    await setPace(3000);
    const before = workflowProvider("fetch", 'resume-key="case-view"');
    const chunk = new Promise<void>((resolve) =>
      before.addEventListener("stream-event", (e) => e.event.type === "content_chunk" && resolve())
    );
    before.start();
    await chunk;
    const runId = before.view.runId;
    unmountAll();
    const after = workflowProvider("fetch", 'resume-key="case-view"');
    const done = await nextEvent<StreamDoneEvent>(after, "stream-done");
    assertEqual(
      [done.finishReason, done.verified, after.view.runId],
      ["stop", true, runId],
      "resumed run",
    );
    await assertSameTextAsServer(after);
  });

  for (const transport of ["fetch", "eventsource"] as const) {
    it(`falls back to batch over ${transport} when streaming is disabled, with the same text`, async () => {
      await setStreaming(false);
      const provider = workflowProvider(transport);
      const done = await runToEnd(provider);
      assertEqual([done.finishReason, done.verified], ["stop", true], "finish");
      const statuses = provider.view.sections.reasoning.map((s) => s.status);
      assertEqual(statuses, ["complete", "complete", "complete", "complete"], "sections");
      await assertSameTextAsServer(provider);
    });
  }

  it("runs a workflow and a chat over the batch transport with the streamed text", async () => {
    const provider = workflowProvider("batch");
    const done = await runToEnd(provider);
    assertEqual([done.finishReason, done.verified], ["stop", true], "workflow");
    await assertSameTextAsServer(provider);
    const reply = await runToEnd(provider, () => provider.send("Summarise the plan"));
    assertEqual([reply.finishReason, reply.verified], ["stop", true], "chat");
    const messages = provider.view.messages;
    assertEqual(messages.slice(-2).map((m) => [m.role, m.status]), [["user", "complete"], [
      "assistant",
      "complete",
    ]], "reply");
    assertEqual(
      messages.at(-1)!.content,
      (await probeRun(provider.view.runId!)).panels.chat,
      "reply text",
    );
  });

  it("does not verify a batch answer whose text changed on its way from the server", async () => {
    restoreFetch = stubFetch((url, init, network) => {
      if (!url.endsWith("/workflow/run")) return undefined;
      return network(url, init).then(async (response) => {
        const answer = await response.json();
        answer.stages[0].chat += " (edited)";
        return new Response(JSON.stringify(answer), {
          status: response.status,
          headers: { "Content-Type": "application/json" },
        });
      });
    });
    const provider = workflowProvider("batch");
    const done = await runToEnd(provider);
    assertEqual([done.finishReason, done.verified], ["stop", false], "finish");
    assertEqual(provider.view.verified, false, "view.verified");
    assert(panelText(provider.view, "chat").includes(" (edited)"), "the altered text is shown");
  });

  it("reports stream_lost for a run the server does not know; Retry starts src anew", async () => {
    const provider = mount<StreamProvider>(
      `<stream-provider src="${STAGE_SRC}"></stream-provider>`,
    );
    const error = nextEvent<StreamErrorEvent>(provider, "stream-error");
    provider.attach("unknown-run-aaaaaaaa");
    const reported = await error;
    assertEqual([reported.code, reported.retryAvailable], ["stream_lost", true], "stream-error");
    assertEqual(provider.view.status, "error", "status");
    const retried = await runToEnd(provider, () => provider.retry());
    assertEqual(
      [retried.finishReason, retried.verified],
      ["stop", true],
      "Retry ran src as a new run",
    );
  });

  it("lets a second provider attach to a running run and see the same text", async () => {
    const first = mount<StreamProvider>(`<stream-provider src="${STAGE_SRC}"></stream-provider>`);
    const second = mount<StreamProvider>(`<stream-provider></stream-provider>`);
    const started = nextEvent<StreamEventEvent>(first, "stream-event");
    const firstDone = nextEvent<StreamDoneEvent>(first, "stream-done");
    first.start();
    await started;
    const secondDone = await runToEnd(second, () => second.attach(first.view.runId!));
    assertEqual(secondDone.verified, true, "attached viewer verified");
    await firstDone;
    assertEqual(panelText(second.view, "chat"), panelText(first.view, "chat"), "same chat text");
  });

  it("keeps two providers on one page independent", async () => {
    const a = mount<StreamProvider>(`<stream-provider src="${STAGE_SRC}"></stream-provider>`);
    const b = mount<StreamProvider>(
      `<stream-provider src="/api/cases/dka-new-onset/workflow/stages/initial/stream"></stream-provider>`,
    );
    const [doneA, doneB] = await Promise.all([runToEnd(a), runToEnd(b)]);
    assertEqual([doneA.verified, doneB.verified], [true, true], "both verified");
    assert(a.view.runId !== b.view.runId, "two runs");
    assert(
      panelText(a.view, "reasoning") !== panelText(b.view, "reasoning"),
      "different cases, different text",
    );
    await assertSameTextAsServer(a);
    await assertSameTextAsServer(b);
  });

  it("disconnect() detaches without cancelling; reset() clears the view", async () => {
    await setPace(3000);
    const provider = workflowProvider();
    const chunk = new Promise<void>((resolve) =>
      provider.addEventListener(
        "stream-event",
        (e) => e.event.type === "content_chunk" && resolve(),
      )
    );
    provider.start();
    await chunk;
    provider.disconnect();
    const runId = provider.view.runId!;
    assertEqual(provider.view.status, "idle", "status after disconnect");
    assertEqual((await probeRun(runId)).status, "running", "the run goes on");
    provider.reset();
    assertEqual(
      [provider.view.status, provider.view.runId, provider.view.sections.reasoning.length],
      ["idle", undefined, 0],
      "after reset",
    );
    await fetch(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
  });

  it("fires its events through shadow roots up to the document", async () => {
    const stream = scriptedStream(chatRun);
    const host = mount("<div></div>");
    const root = host.attachShadow({ mode: "open" });
    root.innerHTML = `<stream-provider src="${stream.src}"></stream-provider>`;
    const provider = root.querySelector("stream-provider")!;
    provider.fetch = stream.fetch;
    const done = nextEvent<StreamDoneEvent>(document, "stream-done");
    provider.start();
    assertEqual((await done).verified, true, "stream-done seen by the document");
  });

  it("starts on its own with autostart", async () => {
    const stream = scriptedStream(workflowRun);
    const provider = document.createElement("stream-provider");
    provider.fetch = stream.fetch;
    provider.setAttribute("src", stream.src);
    provider.setAttribute("autostart", "");
    mount("<div></div>").append(provider);
    const done = await nextEvent<StreamDoneEvent>(provider, "stream-done");
    assertEqual([done.finishReason, done.verified], ["stop", true], "finish");
  });

  it("evaluates every element module a second time without throwing", async () => {
    const defined = customElements.get("stream-provider");
    for (const module of ["stream-provider", "reasoning-panel", "chat-stream", "index"]) {
      // A fresh URL makes the browser evaluate the module again, as a second copy of the bundle would.
      const url = `../../widgets/${module}.ts?copy=2`;
      await import(url);
    }
    assert(customElements.get("stream-provider") === defined, "the first definition stays");
  });
});
