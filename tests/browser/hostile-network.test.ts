/// <reference path="./support/mocha-globals.d.ts" />
/**
 * Half-open stall seen by the element: the page's `fetch` is wrapped so that the
 * first stream stops delivering bytes but never closes, as a dead NAT mapping does. The real
 * `<stream-provider>` (against the real server) declares the connection dead within `stall-ms`,
 * reconnects with its cursor, and ends with the server's exact text (digest verified).
 * Server restart as the element sees it: the stream breaks, and the server, which
 * lost the run, answers the resume with `stream_lost`; the partial text stays and Retry is offered.
 */
import type { StreamProvider } from "../../widgets/stream-provider.ts";

const STALL_MS = 600;
/** Bytes of the first stream delivered before it goes silent: a few events into the run. */
const DELIVERED_BYTES = 6000;

interface Call {
  url: string;
  cursor: string | null;
  startedAt: number;
  stalledAt?: number;
  abortedAt?: number;
  status?: number;
}

const realFetch = globalThis.fetch.bind(globalThis);
const calls: Call[] = [];

/** The first SSE response goes silent after DELIVERED_BYTES and ends only when aborted. */
function stallingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.includes("/stream")) return realFetch(input, init);
  const headers = new Headers(init?.headers);
  const call: Call = {
    url,
    cursor: headers.get("last-event-id") ??
      new URL(url, location.href).searchParams.get("lastEventId"),
    startedAt: performance.now(),
  };
  calls.push(call);
  const signal = init?.signal ?? undefined;
  signal?.addEventListener("abort", () => (call.abortedAt ??= performance.now()), { once: true });
  if (calls.length > 1) return realFetch(input, init);
  return realFetch(input, init).then((response) => {
    call.status = response.status;
    const reader = response.body!.getReader();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= DELIVERED_BYTES) {
          call.stalledAt ??= performance.now();
          // Silent but open: only the reader's abort ends it.
          await new Promise<void>((resolve) =>
            signal?.addEventListener("abort", () => resolve(), { once: true })
          );
          controller.error(new DOMException("Aborted", "AbortError"));
          await reader.cancel();
          return;
        }
        const { done, value } = await reader.read();
        if (done) return controller.close();
        const part = value.subarray(0, DELIVERED_BYTES - sent);
        sent += part.length;
        controller.enqueue(part);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  });
}

describe("half-open stall under <stream-provider>", () => {
  it("declares the silent connection dead within stall-ms and resumes to the verified text", async () => {
    globalThis.fetch = stallingFetch;
    try {
      await import("../../widgets/stream-provider.ts");
      const provider = document.createElement("stream-provider") as StreamProvider;
      provider.setAttribute("stall-ms", String(STALL_MS));
      provider.setAttribute("retry-base-ms", "50");
      provider.setAttribute("retry-max-ms", "200");
      const statuses: string[] = [];
      const errors: string[] = [];
      provider.addEventListener("stream-status", (event) => statuses.push(event.status));
      const done = new Promise<{ finishReason: string; verified: boolean }>((resolve, reject) => {
        provider.addEventListener("stream-done", (event) => resolve(event));
        provider.addEventListener(
          "stream-error",
          (event) => errors.push(`${event.code}: ${event.message}`),
        );
        setTimeout(() => {
          const seen = calls.map((c) =>
            `${c.url} cursor=${c.cursor} status=${c.status} stalled=${c.stalledAt !== undefined}`
          );
          reject(
            new Error(
              `No stream-done; statuses ${statuses}; errors ${errors}; calls ${seen.join(" | ")}`,
            ),
          );
        }, 15_000);
      });
      document.body.append(provider);
      provider.start("/api/cases/chest-pain-acs/workflow/start/stream");
      const { finishReason, verified } = await done;
      provider.remove();

      const [first, second] = calls;
      if (!first?.stalledAt || first.abortedAt === undefined) {
        throw new Error("The first stream never stalled or aborted");
      }
      const detectedAfter = first.abortedAt - first.stalledAt;
      if (detectedAfter < STALL_MS - 50 || detectedAfter > STALL_MS + 600) {
        throw new Error(
          `Declared dead ${detectedAfter.toFixed(0)} ms after going silent (stall-ms ${STALL_MS})`,
        );
      }
      if (!second?.cursor || !/^[A-Za-z0-9_-]{16,64}\.[1-9]\d*$/.test(second.cursor)) {
        throw new Error(`Reconnected without a cursor: ${second?.cursor}`);
      }
      if (calls.slice(1).some((call) => !call.cursor)) {
        throw new Error("A reconnection started the work again");
      }
      if (!statuses.includes("reconnecting")) {
        throw new Error(`Never reconnecting: ${statuses.join(",")}`);
      }
      if (finishReason !== "stop" || !verified) {
        throw new Error(`Ended ${finishReason}, verified ${verified}`);
      }
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

/** The real server's answer for a run it no longer knows, as after a restart that lost it. */
const LOST_RUN = "/api/runs/LostInARestart000000000/stream";

describe("server restart under <stream-provider>", () => {
  it("keeps the partial text, shows reconnecting, and offers Retry on stream_lost", async () => {
    const seen: { url: string; cursor: string | null }[] = [];
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes("/stream")) return realFetch(input, init);
      seen.push({ url, cursor: new Headers(init?.headers).get("last-event-id") });
      if (seen.length > 1) return realFetch(LOST_RUN, init);
      // The first stream breaks after a few events, as when the server process dies.
      return realFetch(input, init).then((response) => {
        const reader = response.body!.getReader();
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent >= DELIVERED_BYTES) {
              await reader.cancel();
              return controller.error(new TypeError("network error"));
            }
            const { done, value } = await reader.read();
            if (done) return controller.close();
            const part = value.subarray(0, DELIVERED_BYTES - sent);
            sent += part.length;
            controller.enqueue(part);
          },
        });
        return new Response(body, { status: response.status, headers: response.headers });
      });
    };
    try {
      await import("../../widgets/stream-provider.ts");
      const provider = document.createElement("stream-provider") as StreamProvider;
      provider.setAttribute("retry-base-ms", "50");
      provider.setAttribute("retry-max-ms", "200");
      const statuses: string[] = [];
      provider.addEventListener("stream-status", (event) => statuses.push(event.status));
      const failed = new Promise<{ code: string; retryAvailable: boolean }>((resolve, reject) => {
        provider.addEventListener("stream-error", (event) => resolve(event));
        setTimeout(() => reject(new Error(`No stream-error; statuses ${statuses}`)), 15_000);
      });
      document.body.append(provider);
      provider.start("/api/cases/dka-new-onset/workflow/start/stream");
      const { code, retryAvailable } = await failed;
      const partial = provider.view.sections.reasoning.map((section) => section.text).join("");
      provider.remove();

      if (code !== "stream_lost" || !retryAvailable) {
        throw new Error(`Error ${code}, retry ${retryAvailable}`);
      }
      if (!statuses.includes("reconnecting")) throw new Error(`Never reconnecting: ${statuses}`);
      if (partial.length < 20) throw new Error(`Partial text lost: ${JSON.stringify(partial)}`);
      if (!seen[1]?.cursor) {
        throw new Error("The resume carried no cursor: it would have started new work");
      }
      if (provider.view.status !== "error") throw new Error(`Status ${provider.view.status}`);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
