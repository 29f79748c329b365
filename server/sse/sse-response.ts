/** The HTTP side of an SSE stream: headers of DESIGN.md §3 and the in-band `stream_lost`. */
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import { streamLostEvents } from "../runs/stream-lost.ts";

/**
 * Headers of every stream. `no-store`: streams carry patient text. `no-transform` keeps Deno and
 * proxies from compressing the body, which would hold chunks back; the server's own compression
 * (`http/compression.ts`) flushes after every event.
 */
const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
};

/** A 200 streaming response around an SSE body. */
export function sseResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/** Stands in for the run id in `stream_lost` when the request named no valid one. */
export const UNKNOWN_RUN_ID = "unknown-run-0000";

const encoder = new TextEncoder();

/**
 * The answer for a run that cannot be found: `error{stream_lost}` and `stream_done{error}`, both
 * seq 0 (so no `id:` line), then the end. In-band, because EventSource cannot read statuses.
 */
export function streamLostResponse(
  runId: string,
  options: { retryMs: number; now: number },
): Response {
  const events = streamLostEvents(runId, { ts: options.now });
  const text = encodeRetry(options.retryMs) + events.map(encodeEvent).join("");
  return sseResponse(
    new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode(text));
        controller.close();
      },
    }),
  );
}
