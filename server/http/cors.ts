/**
 * CORS for the configured host-page origins only; with none, nothing is added (same origin
 * only). Exposes what a cross-origin EventSource or fetch reader needs, including `Last-Event-ID`.
 */
import type { MiddlewareHandler } from "hono";

const ALLOW_HEADERS = "Content-Type, Last-Event-ID, Authorization";
const EXPOSE_HEADERS = "Retry-After, Content-Type";
const ALLOW_METHODS = "GET, POST, OPTIONS";

/** The CORS middleware for `origins`. */
export function cors(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  return async (c, next) => {
    const origin = c.req.header("origin");
    const permitted = origin !== undefined && allowed.has(origin);
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      const headers = new Headers({ vary: "Origin" });
      if (permitted) {
        headers.set("access-control-allow-origin", origin);
        headers.set("access-control-allow-methods", ALLOW_METHODS);
        headers.set("access-control-allow-headers", ALLOW_HEADERS);
        headers.set("access-control-max-age", "600");
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    c.res.headers.append("vary", "Origin");
    if (permitted) {
      c.res.headers.set("access-control-allow-origin", origin);
      c.res.headers.set("access-control-expose-headers", EXPOSE_HEADERS);
    }
  };
}
