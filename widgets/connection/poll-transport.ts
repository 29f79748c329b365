/**
 * The long-poll transport (DESIGN.md §10): `GET /api/runs/:runId/events?after=<cursor>&wait=<ms>`
 * again and again, each answer one complete response, which passes a proxy that holds streamed
 * responses back. It is a connection like the others: it reports each answer as the path being
 * open (the stall watchdog's sign of life) and each event as a message, validated by the reader
 * as an SSE frame is, and it ends when the network fails, the server refuses, or it is closed.
 */
import { formatCursor, parseCursor } from "../../protocol/events.ts";
import { EventsAnswer, MAX_POLL_WAIT_MS } from "../../protocol/poll.ts";
import { refusalOf } from "./http.ts";
import { failureOf } from "./network-error.ts";
import type { StreamTransport } from "./transport.ts";

/** A transport over the given `fetch`; the request's `url` is the run's `events` endpoint. */
export function pollTransport(fetchImpl: typeof fetch): StreamTransport {
  return async ({ url, cursor, headers, signal }, handlers) => {
    const start = cursor === undefined ? undefined : parseCursor(cursor);
    if (!start) return { type: "failed" };
    let seq = start.seq;
    for (;;) {
      const query = `after=${encodeURIComponent(formatCursor(start.runId, seq))}` +
        `&wait=${MAX_POLL_WAIT_MS}`;
      let answer: EventsAnswer;
      try {
        const response = await fetchImpl(`${url}${url.includes("?") ? "&" : "?"}${query}`, {
          headers: { ...headers, Accept: "application/json" },
          signal,
          cache: "no-store",
        });
        if (!response.ok) return await refusalOf(response);
        const parsed = EventsAnswer.safeParse(await response.json());
        if (!parsed.success) return { type: "failed" };
        answer = parsed.data;
      } catch {
        return failureOf(signal) === "aborted" ? { type: "aborted" } : { type: "failed" };
      }
      handlers.open();
      for (const event of answer.events) {
        // A handler may close the connection (a terminal event): the rest is moot.
        if (signal.aborted) return { type: "aborted" };
        handlers.message({ data: JSON.stringify(event) });
        seq = Math.max(seq, seqOf(event));
      }
      if (signal.aborted) return { type: "aborted" };
      if (answer.done) return { type: "ended" };
    }
  };
}

/** The seq an answered event moves the cursor to (0 for none: it is validated downstream). */
function seqOf(event: unknown): number {
  const seq = (event as { seq?: unknown } | null)?.seq;
  return typeof seq === "number" && Number.isSafeInteger(seq) ? seq : 0;
}
