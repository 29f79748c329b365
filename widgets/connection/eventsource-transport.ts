/**
 * The native EventSource transport. The browser would reconnect by itself after a cut, every
 * `retry:` ms in lockstep with every other viewer; instead the source is closed at its first error
 * and the controller reconnects with its jittered backoff, opening a new source with
 * `?lastEventId=<cursor>`, since an EventSource cannot send headers.
 */
import type { StreamTransport } from "./transport.ts";
import { withLastEventId } from "./urls.ts";

/**
 * The protocol's default `retry:` (docs/protocol.md). An EventSource never shows the server's
 * value, so reconnections over it assume this one rather than none.
 */
export const DEFAULT_RETRY_MS = 1000;

/** A transport over the given EventSource constructor. */
export function eventSourceTransport(Source: typeof EventSource): StreamTransport {
  return ({ url, cursor, signal }, handlers) =>
    new Promise((resolve) => {
      handlers.retry(DEFAULT_RETRY_MS);
      const source = new Source(cursor === undefined ? url : withLastEventId(url, cursor));
      const finish = (type: "ended" | "failed" | "aborted") => {
        source.close();
        signal.removeEventListener("abort", onAbort);
        resolve({ type });
      };
      const onAbort = () => finish("aborted");
      signal.addEventListener("abort", onAbort);
      source.onopen = () => handlers.open();
      source.onmessage = (message: MessageEvent<string>) => {
        if (!signal.aborted) handlers.message({ data: message.data });
      };
      // CLOSED: the browser gave up (an HTTP error or a wrong content type); otherwise it was cut.
      source.onerror = () => finish(source.readyState === Source.CLOSED ? "failed" : "ended");
    });
}
