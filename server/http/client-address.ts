/**
 * The address of the client behind a request. With `TRUST_PROXY=<hops>` the last `hops` entries
 * of `X-Forwarded-For` were appended by proxies the deployment trusts, so the client is the entry
 * just before them; entries further left were written by the client and are never believed.
 */
import type { Context } from "hono";

/** The socket's remote address, or `local` for in-process requests. */
export function socketAddress(c: Context): string {
  const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return info?.remoteAddr?.hostname ?? "local";
}

/** The client address, trusting `trustProxy` proxy hops in front of this server. */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = socketAddress(c);
  if (trustProxy === 0) return socket;
  const forwarded = (c.req.header("x-forwarded-for") ?? "").split(",")
    .map((entry) => entry.trim()).filter((entry) => entry !== "");
  // The chain as the last proxy saw it, this socket's peer last.
  const chain = [...forwarded, socket];
  return chain[Math.max(0, chain.length - 1 - trustProxy)];
}

const KEY = "clientAddress";

/** Records the client address of a request once, as TRUST_PROXY reads it. */
export function recordClientAddress(c: Context, trustProxy: number): void {
  c.set(KEY as never, clientAddress(c, trustProxy) as never);
}

/** The recorded client address of a request, else its socket's. */
export function requestAddress(c: Context): string {
  return (c.get(KEY as never) as string | undefined) ?? socketAddress(c);
}
