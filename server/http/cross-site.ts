/**
 * Cross-site request defence for requests that start or change anything: a page on another site
 * may not start, cancel or message runs through a form, an image or a no-cors fetch. Browsers say
 * where a request comes from in `Sec-Fetch-Site` and `Origin`, which pages cannot forge; clients
 * that are not browsers send neither and pass. Every POST must also be JSON, which a form or a
 * no-cors fetch cannot send without a CORS preflight.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.ts";
import { isJsonType } from "./body.ts";

/**
 * Refuses (403 `forbidden`) a request from a foreign site, unless its Origin is one of
 * `corsOrigins`; a POST without a JSON content type answers 415.
 */
export function sameSiteOnly(corsOrigins: readonly string[]): MiddlewareHandler {
  const permitted = new Set(corsOrigins);
  return async (c, next) => {
    if (!isSameSite(c.req.raw, permitted)) {
      throw new HttpError(403, "forbidden", "Cross-site requests are not allowed");
    }
    if (c.req.method === "POST" && !isJsonType(c.req.header("content-type") ?? null)) {
      throw new HttpError(415, "invalid_request", "Content-Type must be application/json");
    }
    await next();
  };
}

/** Whether a request comes from this server's own pages, a permitted origin, or no browser. */
export function isSameSite(request: Request, permitted: ReadonlySet<string>): boolean {
  const site = request.headers.get("sec-fetch-site");
  // `none`: the user typed the address or followed a bookmark.
  if (site === "same-origin" || site === "none") return true;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (permitted.has(origin)) return true;
    // Browsers without Sec-Fetch-Site still send Origin on POSTs; `null` (a sandboxed frame, a
    // file) is never this server.
    return origin !== "null" && URL.canParse(origin) &&
      new URL(origin).host === new URL(request.url).host;
  }
  return site === null;
}
