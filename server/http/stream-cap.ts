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
    c.res = new Response(body.pipeThrough(releasedAtEnd(release)), c.res);
  };
}

/** A pass-through that gives the slot back however the body ends. */
function releasedAtEnd(release: Release): TransformStream<Uint8Array, Uint8Array> {
  // `cancel` runs when the client goes away or the body errors, `flush` when it ends normally.
  return new TransformStream<Uint8Array, Uint8Array>({
    flush: release,
    cancel: release,
  } as Transformer<Uint8Array, Uint8Array>);
}
