/// <reference path="./support/mocha-globals.d.ts" />
/**
 * Background tabs and flaky mobile networks, as `<stream-provider>` meets them against the real
 * server: a connection that died silently while the page was hidden is replaced as soon as the
 * page is visible again, and a request the browser aborts or fails on its own (Safari's
 * `TypeError: Load failed`, an `AbortError` nobody asked for) is a reconnection from the cursor,
 * never a Stop.
 */
import "../../widgets/stream-provider.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import { api, setPace, TEST_PACE } from "./support/api.ts";
import { recordEvents, waitFor } from "./support/dom.ts";

const WORKFLOW = "/api/cases/chest-pain-acs/workflow/start/stream";
/** Bytes of the first stream delivered before the browser kills it: a few events into the run. */
const DELIVERED_BYTES = 6000;
const realFetch = globalThis.fetch.bind(globalThis);

interface Seen {
  url: string;
  cursor: string | null;
  method: string;
}

/** Wraps `fetch`: `first` answers the first request `matches` picks; the rest go to the network. */
function stubFirst(
  matches: (url: string, init?: RequestInit) => boolean,
  first: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
): Seen[] {
  const seen: Seen[] = [];
  let used = false;
  globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    seen.push({
      url,
      cursor: new Headers(init?.headers).get("last-event-id"),
      method: init?.method ?? "GET",
    });
    if (used || !matches(url, init)) return realFetch(input, init);
    used = true;
    return first(input, init);
  };
  return seen;
}

/** A provider in the page, with `attributes`, recording its statuses. */
function mountProvider(attributes: Record<string, string>) {
  const provider = document.createElement("stream-provider") as StreamProvider;
  for (const [name, value] of Object.entries(attributes)) provider.setAttribute(name, value);
  const statuses = recordEvents(provider, "stream-status");
  const done = new Promise<{ finishReason: string; verified: boolean }>((resolve) =>
    provider.addEventListener("stream-done", (event) => resolve(event.detail))
  );
  document.body.append(provider);
  return { provider, statuses, done };
}

/** The page's visibility, as a phone switching apps changes it. */
function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}

/** The text the server logged for a run, both panels. */
async function serverText(runId: string) {
  const run = await api<{ panels: { reasoning: string; chat: string } }>(`/api/runs/${runId}`);
  return run.panels;
}

/** Fails unless the provider shows exactly the server's text of its run, verified. */
async function assertVerifiedRun(
  provider: StreamProvider,
  done: Promise<{ finishReason: string; verified: boolean }>,
) {
  const { finishReason, verified } = await done;
  if (finishReason !== "stop" || !verified) {
    throw new Error(`Ended ${finishReason}, verified ${verified}`);
  }
  const shown = {
    reasoning: provider.view.sections.reasoning.map((s) => s.text).join(""),
    chat: provider.view.sections.chat.map((s) => s.text).join(""),
  };
  const server = await serverText(provider.view.runId!);
  if (JSON.stringify(shown) !== JSON.stringify(server)) {
    throw new Error("Shown text differs from the server's");
  }
}

/** A response whose body delivers DELIVERED_BYTES of the real one, then fails with `error`. */
async function failingAfterSome(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  error: Error,
) {
  const response = await realFetch(input, init);
  const reader = response.body!.getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= DELIVERED_BYTES) {
        await reader.cancel();
        return controller.error(error);
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      const part = value.subarray(0, DELIVERED_BYTES - sent);
      sent += part.length;
      controller.enqueue(part);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

describe("<stream-provider> on a phone", () => {
  afterEach(async () => {
    globalThis.fetch = realFetch;
    setVisibility("visible");
    document.querySelectorAll("stream-provider").forEach((element) => element.remove());
    await setPace(TEST_PACE);
  });

  it("replaces a connection that died while hidden as soon as the page is visible again", async () => {
    await setPace(2000);
    // The first long-poll hangs, as a request the phone froze with its tab: only an abort ends it.
    const seen = stubFirst(
      (url) => url.includes("/events"),
      (_, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener("abort", () => reject(new DOMException("", "AbortError")))
        ),
    );
    const { provider, statuses, done } = mountProvider({
      transport: "poll",
      "buffer-detect-ms": "300",
      "retry-base-ms": "50",
    });
    const started = await api<{ runId: string }>("/api/chat/messages", { message: "Status?" });
    provider.attach(started.runId);
    await waitFor(() => seen.some((call) => call.url.includes("/events")), { what: "a poll" });
    setVisibility("hidden");
    await new Promise((resolve) => setTimeout(resolve, 400));
    const before = seen.length;
    const shownAt = performance.now();
    setVisibility("visible");
    await waitFor(() => seen.length > before, { timeoutMs: 1000, what: "a poll at once" });
    if (performance.now() - shownAt > 200) throw new Error("The dead connection was kept");
    await assertVerifiedRun(provider, done);
    if (statuses.some((event) => (event as Event & { status: string }).status === "cancelled")) {
      throw new Error("Shown as cancelled");
    }
  });

  for (
    const [what, error] of [
      [
        "an AbortError nobody asked for",
        new DOMException("The operation was aborted.", "AbortError"),
      ],
      ["Safari's TypeError: Load failed", new TypeError("Load failed")],
      ["Firefox's NetworkError", new TypeError("NetworkError when attempting to fetch resource.")],
    ] as const
  ) {
    it(`reconnects from the cursor after ${what} mid-stream, never a Stop`, async () => {
      const seen = stubFirst(
        (url) => url.includes("/stream"),
        (input, init) => failingAfterSome(input, init, error),
      );
      const { provider, statuses, done } = mountProvider({ "retry-base-ms": "50" });
      provider.start(WORKFLOW);
      await assertVerifiedRun(provider, done);
      const names = statuses.map((event) => (event as Event & { status: string }).status);
      if (!names.includes("reconnecting")) throw new Error(`Never reconnecting: ${names}`);
      if (names.includes("cancelled")) throw new Error(`Shown as cancelled: ${names}`);
      const streams = seen.filter((call) => call.url.includes("/stream"));
      if (!streams[1]?.cursor) throw new Error("The reconnection carried no cursor");
      if (seen.some((call) => call.url.endsWith("/cancel"))) {
        throw new Error("The run was cancelled");
      }
    });
  }

  it("reconnects after Safari's TypeError: Load failed before any byte", async () => {
    const seen = stubFirst(
      (url) => url.includes("/stream"),
      () => Promise.reject(new TypeError("Load failed")),
    );
    const { provider, statuses, done } = mountProvider({ "retry-base-ms": "50" });
    provider.start(WORKFLOW);
    await assertVerifiedRun(provider, done);
    const names = statuses.map((event) => (event as Event & { status: string }).status);
    if (!names.includes("reconnecting")) throw new Error(`Never reconnecting: ${names}`);
    if (seen.filter((call) => call.url.includes("/stream")).length !== 2) {
      throw new Error("Expected one failed request and one that worked");
    }
  });
});
