/**
 * Security headers on every response: no MIME sniffing, no referrer, no framing; a strict content
 * security policy (the demo page loads only its own scripts, styles and data: icons; API answers
 * load nothing). API answers carry patient text and are never stored by a cache.
 */
import type { MiddlewareHandler } from "hono";

const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Adds the security headers; `/api/*` answers get `Cache-Control: no-store` unless they say. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    const html = headers.get("content-type")?.startsWith("text/html") ?? false;
    headers.set("content-security-policy", html ? PAGE_POLICY : API_POLICY);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    headers.set("x-frame-options", "DENY");
    if (c.req.path.startsWith("/api/") && !headers.has("cache-control")) {
      headers.set("cache-control", "no-store");
    }
  };
}
