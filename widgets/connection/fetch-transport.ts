/**
 * The default transport: `fetch` with a streaming body reader on the protocol's SSE decoder, so it
 * can send headers and `Last-Event-ID` itself and read HTTP status codes.
 */
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { refusalOf } from "./http.ts";
import { failureOf } from "./network-error.ts";
import type { StreamTransport } from "./transport.ts";

/** A transport over the given `fetch`. */
export function fetchTransport(fetchImpl: typeof fetch): StreamTransport {
  return async ({ url, cursor, headers, signal }, handlers) => {
    const requestHeaders: Record<string, string> = { ...headers, Accept: "text/event-stream" };
    if (cursor !== undefined) requestHeaders["Last-Event-ID"] = cursor;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: requestHeaders, signal, cache: "no-store" });
    } catch {
      return failureOf(signal) === "aborted" ? { type: "aborted" } : { type: "failed" };
    }
    if (!response.ok) return await refusalOf(response);
    const type = response.headers.get("Content-Type") ?? "";
    if (!response.body || !type.startsWith("text/event-stream")) {
      await response.body?.cancel();
      return { type: "failed" };
    }
    handlers.open();
    const decoder = createSseDecoder();
    const reader = response.body.getReader();
    let retry: number | undefined;
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        for (const message of decoder.push(read.value)) {
          // A handler may stop the connection (a terminal event): the rest of the chunk is moot.
          if (signal.aborted) break;
          handlers.message(message);
        }
        if (decoder.reconnectionTime !== undefined && decoder.reconnectionTime !== retry) {
          retry = decoder.reconnectionTime;
          handlers.retry(retry);
        }
        if (signal.aborted) break;
      }
    } catch {
      // A cut connection rejects the read; an abort does too.
    } finally {
      reader.releaseLock();
    }
    if (failureOf(signal) === "aborted") {
      await response.body.cancel().catch(() => {});
      return { type: "aborted" };
    }
    return { type: "ended" };
  };
}
