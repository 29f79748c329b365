/// <reference path="./support/mocha-globals.d.ts" />
/**
 * What the clinician sees against the real server: a workflow and its follow-ups stay in view and
 * come back after a reload without a second run, one announcement per stage boundary, one error
 * with one Retry, and the connection's state beside the text.
 */
import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { StreamDoneEvent } from "../../widgets/events.ts";
import { armFault, probeRun, resetServer, setPace } from "./support/api.ts";
import { assert, assertEqual } from "./support/assert.ts";
import { mount, nextEvent, unmountAll, waitFor } from "./support/dom.ts";
import { stubFetch } from "./support/fetch-stub.ts";
import { textOf } from "./view-fixture.ts";

const SRC = "/api/cases/chest-pain-acs/workflow/start/stream";
const TITLES = ["initial", "extraction", "diagnosis", "plan"];

let restoreFetch: (() => void) | undefined;
afterEach(async () => {
  unmountAll();
  restoreFetch?.();
  restoreFetch = undefined;
  sessionStorage.clear();
  await resetServer();
});

/** A provider with both panels; `attributes` go on the provider. */
function page(attributes = ""): StreamProvider {
  return mount<StreamProvider>(
    `<stream-provider src="${SRC}" retry-base-ms="50" ${attributes}>
      <reasoning-panel></reasoning-panel><chat-stream composer></chat-stream>
    </stream-provider>`,
  );
}

const panel = (provider: StreamProvider, tag: "reasoning-panel" | "chat-stream") =>
  provider.querySelector(tag)!.shadowRoot!;
const partsOf = (root: ShadowRoot, name: string) => [
  ...root.querySelectorAll<HTMLElement>(`[part~="${name}"]`),
];

/** Runs `work` to its `stream-done`, and lets the elements render its end. */
async function until(provider: StreamProvider, work: () => void): Promise<StreamDoneEvent> {
  const done = nextEvent<StreamDoneEvent>(provider, "stream-done");
  work();
  const event = await done;
  await rendered();
  return event;
}

/** Resolves once the elements have rendered what they were given (they render per frame). */
async function rendered(): Promise<void> {
  for (let frame = 0; frame < 3; frame++) await new Promise((r) => requestAnimationFrame(r));
}

/** Every request that starts a run on the server: a workflow start or a chat message. */
function countRunStarts(): string[] {
  const starts: string[] = [];
  restoreFetch = stubFetch((url, init) => {
    const headers = new Headers(init?.headers);
    const fresh = url.includes("/workflow/start/stream") && !headers.has("last-event-id") &&
      !url.includes("lastEventId");
    if (fresh || url.endsWith("/api/chat/messages")) starts.push(url);
    return undefined;
  });
  return starts;
}

/** What the reasoning panel shows, as [title, text] per section. */
function reasoningShown(provider: StreamProvider): string[][] {
  return partsOf(panel(provider, "reasoning-panel"), "section").map((section) => [
    textOf(section.querySelector('[part~="title"]')),
    textOf(section.querySelector('[part~="content"]')),
  ]);
}

describe("a workflow and its follow-ups", () => {
  it("keep the workflow's analyses and earlier replies' reasoning in view", async () => {
    const provider = page();
    await until(provider, () => provider.start());
    const workflow = reasoningShown(provider);
    assertEqual(workflow.length, 4, "four analyses");
    const summaries = provider.view.messages.map((m) => m.content);
    await until(provider, () => provider.send("What about the troponin?"));
    const afterFirst = reasoningShown(provider);
    await until(provider, () => provider.send("And the ECG?"));
    const shown = reasoningShown(provider);
    assertEqual(shown.slice(0, 4), workflow, "the analyses stay");
    assertEqual(shown.slice(0, afterFirst.length), afterFirst, "the first reply's reasoning stays");
    assert(shown.length > afterFirst.length, "the second reply's reasoning follows");
    assertEqual(
      provider.view.messages.slice(0, summaries.length).map((m) => m.content),
      summaries,
      "the stage summaries stay in the chat",
    );
  });

  it("come back after a reload with resume-key and autostart, without any new run", async () => {
    const starts = countRunStarts();
    const before = page('resume-key="case-42" autostart');
    await nextEvent<StreamDoneEvent>(before, "stream-done");
    await rendered();
    await until(before, () => before.send("What about the troponin?"));
    const reasoning = reasoningShown(before);
    const messages = before.view.messages.map((m) => [m.role, m.title ?? "", m.content]);
    assertEqual(starts.length, 2, "the workflow and the follow-up");
    unmountAll();

    const after = page('resume-key="case-42" autostart');
    await waitFor(() => after.view.messages.length === messages.length, { what: "the history" });
    await waitFor(() => reasoningShown(after).length === reasoning.length, { what: "reasoning" });
    assertEqual(reasoningShown(after), reasoning, "the analyses and the reply's reasoning");
    assertEqual(
      after.view.messages.map((m) => [m.role, m.title ?? "", m.content]),
      messages,
      "summaries, question and reply",
    );
    assertEqual(starts.length, 2, "no run started by the reload");
  });

  it("does not run a finished workflow again when a page with autostart reloads", async () => {
    const starts = countRunStarts();
    const before = page('resume-key="case-7" autostart');
    await nextEvent<StreamDoneEvent>(before, "stream-done");
    const runId = before.view.runId!;
    unmountAll();
    const after = page('resume-key="case-7" autostart');
    const done = await nextEvent<StreamDoneEvent>(after, "stream-done");
    assertEqual([done.finishReason, after.view.runId, starts.length], ["stop", runId, 1], "replay");
    assertEqual(
      (await probeRun(runId)).panels.reasoning.length > 0,
      true,
      "the run is the server's",
    );
  });
});

/** Every announcement either live region of the page says, split into its sentences. */
function recordAnnouncements(provider: StreamProvider): string[] {
  const said: string[] = [];
  const roots = [
    provider.shadowRoot!,
    panel(provider, "reasoning-panel"),
    panel(provider, "chat-stream"),
  ];
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const region = (node.parentNode as Element | null)?.closest?.('[role="status"]');
        if (region && node.textContent) said.push(...node.textContent.split(". "));
      }
    }
  });
  for (const root of roots) observer.observe(root, { childList: true, subtree: true });
  return said;
}

describe("announcements", () => {
  it("say each stage boundary once per page, in order, and Finished last", async () => {
    await setPace(3000);
    const provider = page();
    await provider.updateComplete;
    const said = recordAnnouncements(provider);
    await until(provider, () => provider.start());
    const titles = provider.view.sections.reasoning.map((section) => section.title);
    assertEqual(titles.length, TITLES.length, "stages");
    assertEqual(
      said,
      [...titles.flatMap((title) => [`${title} started`, `${title} complete`]), "Finished"],
      "announcements",
    );
  });

  it("say only Finished for a chat reply, and the log itself is not live", async () => {
    const provider = page();
    await provider.updateComplete;
    const said = recordAnnouncements(provider);
    await until(provider, () => provider.send("Which troponin threshold applies?"));
    assertEqual(said, ["Finished"], "announcements");
    const log = partsOf(panel(provider, "chat-stream"), "log")[0];
    assertEqual([log.getAttribute("role"), log.getAttribute("aria-live")], ["log", "off"], "log");
  });
});

describe("a failed run", () => {
  it("shows its error once, in the panel it was writing, with one Retry", async () => {
    await armFault("fail", 300);
    const provider = page();
    const failed = nextEvent(provider, "stream-error");
    provider.start();
    await failed;
    await waitFor(() => partsOf(panel(provider, "reasoning-panel"), "error").length === 1, {
      what: "the error in the reasoning panel",
    });
    const errors = [
      ...partsOf(panel(provider, "reasoning-panel"), "error"),
      ...partsOf(panel(provider, "chat-stream"), "error"),
    ];
    const retries = [
      ...partsOf(panel(provider, "reasoning-panel"), "retry-button"),
      ...partsOf(panel(provider, "chat-stream"), "retry-button"),
    ];
    assertEqual([errors.length, retries.length], [1, 1], "errors and Retry buttons");
  });

  it("shows a failed reply's error in the chat only", async () => {
    const provider = page();
    await armFault("fail", 40);
    const failed = nextEvent(provider, "stream-error");
    provider.send("Which troponin threshold applies?");
    await failed;
    await waitFor(() => partsOf(panel(provider, "chat-stream"), "error").length === 1, {
      what: "the error in the chat",
    });
    assertEqual(partsOf(panel(provider, "reasoning-panel"), "error").length, 0, "panel errors");
  });
});

describe("the connection's state", () => {
  it("shows reconnecting, offline and reconnected beside the text in both elements", async () => {
    await setPace(2000);
    let cut = false;
    let down = false;
    restoreFetch = stubFetch((url, init, network) => {
      if (!url.includes("/stream")) return undefined;
      if (down) return Promise.reject(new TypeError("network error"));
      if (cut) return undefined;
      cut = true;
      return network(url, init).then((response) => {
        const reader = response.body!.getReader();
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await reader.read();
            if (done) return controller.close();
            sent += value.length;
            controller.enqueue(value);
            if (sent > 3000) {
              down = true;
              await reader.cancel();
              controller.error(new TypeError("network error"));
            }
          },
        });
        return new Response(body, { status: response.status, headers: response.headers });
      });
    });
    const provider = page('retry-max-ms="100" max-retries="1000"');
    const done = nextEvent<StreamDoneEvent>(provider, "stream-done", 30_000);
    provider.start();
    const notices = () => [
      ...partsOf(panel(provider, "reasoning-panel"), "connection"),
      ...partsOf(panel(provider, "chat-stream"), "connection"),
    ];
    await waitFor(() => notices().length === 2, { what: "a notice in each element" });
    assertEqual(notices().map(textOf), Array(2).fill("Connection lost, reconnecting"), "notices");
    assert(notices()[0].closest('[part~="section"]'), "beside the analysis being written");
    assert(notices()[1].closest('[part~="log"]'), "in the conversation");

    Object.defineProperty(navigator, "onLine", { configurable: true, get: () => false });
    dispatchEvent(new Event("offline"));
    try {
      await waitFor(() => notices().every((n) => textOf(n).startsWith("Offline")), {
        what: "offline",
      });
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
      dispatchEvent(new Event("online"));
    }
    down = false;
    await waitFor(
      () => notices().length === 2 && notices().every((n) => textOf(n) === "Reconnected"),
      {
        what: "reconnected",
      },
    );
    assertEqual((await done).finishReason, "stop", "the run finished");
  });
});
