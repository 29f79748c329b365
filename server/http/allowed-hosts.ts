/**
 * DNS rebinding defence: a page on `attacker.example` whose name was rebound to this server's
 * address reaches it with `Host: attacker.example`. Only the configured names are served.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.ts";

/** Refuses (403 `forbidden`) requests whose Host is not one of `hosts` (names without ports). */
export function allowedHosts(hosts: readonly string[]): MiddlewareHandler {
  const allowed = new Set(hosts);
  return async (c, next) => {
    // The request URL's host is the Host header (the URL parser lowercases it and drops the port).
    if (!allowed.has(new URL(c.req.url).hostname)) {
      throw new HttpError(403, "forbidden", "Host not allowed");
    }
    await next();
  };
}
