/**
 * The per-client cap on open SSE responses: every `…/stream` request holds one of its client's
 * slots from its arrival until its body ends (read to the end, cut, or dropped), so one client
 * cannot hold thousands of viewers. A request over the cap starts nothing.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";
import type { ClientSlots, Release } from "./client-slots.ts";
import { HttpError } from "./errors.ts";

/** Seconds a client over the cap is told to wait: long enough for one of its streams to end. */
const RETRY_AFTER_SECONDS = 5;

/** Holds a slot of `slots` for each streaming response, keyed by `client`. */
export function streamCap(
  slots: ClientSlots,
  { client, log }: { client: (c: Context) => string; log: Logger },
): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.path.endsWith("/stream")) return await next();
    const release = slots.take(client(c));
    if (!release) {
      log("viewers_capped", { route: c.req.routePath });
      throw new HttpError(429, "rate_limited", "Too many streams open; close one and retry", {
        headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
      });
    }
    await next();
    const body = c.res.body;
    if (!body || !c.res.headers.get("content-type")?.startsWith("text/event-stream")) {
      return release();
    }
    c.res = new Response(releasedAtEnd(body, release), c.res);
  };
}

/**
 * The body as it is, giving the slot back however it ends: read to the end, failed, or cancelled
 * when the client goes away. One read per event: a TransformStream's pipe would add a write, its
 * backpressure and their promises to every event of every stream.
 */
function releasedAtEnd(
  body: ReadableStream<Uint8Array>,
  release: Release,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        release();
        controller.close();
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
