/**
 * Response compression (SSE_COMPRESSION, DESIGN.md §3). SSE bodies are gzip-encoded as they stream,
 * flushed after every chunk the stream hands over (an event, a heartbeat, the `retry:` line), so
 * nothing waits in the encoder; JSON answers of at least `JSON_MIN_BYTES` are gzip-encoded whole.
 * Registered outermost, so the parts that read or cut an SSE body see its plain text.
 */
import type { MiddlewareHandler } from "hono";
import { gzipSync } from "node:zlib";
import { flushedGzip } from "./gzip-stream.ts";

/** Below this, gzip's header and framing save too little to be worth it. */
export const JSON_MIN_BYTES = 1024;

/** Compresses what the client accepts; `mode: "off"` leaves every response as it is. */
export function compression({ mode }: { mode: "gzip" | "off" }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (mode === "off" || !res.body || c.req.method === "HEAD" || res.status === 206) return;
    if (res.headers.has("content-encoding")) return;
    const type = res.headers.get("content-type") ?? "";
    const sse = type.startsWith("text/event-stream");
    if (!sse && !type.startsWith("application/json")) return;
    res.headers.append("vary", "Accept-Encoding");
    if (!acceptsGzip(c.req.header("accept-encoding"))) return;
    if (sse) {
      c.res = new Response(flushedGzip(res.body), res);
      c.res.headers.set("content-encoding", "gzip");
      return;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length < JSON_MIN_BYTES) {
      c.res = new Response(bytes, res);
      return;
    }
    c.res = new Response(gzipSync(bytes), res);
    c.res.headers.set("content-encoding", "gzip");
    c.res.headers.delete("content-length");
  };
}

/**
 * Whether an `Accept-Encoding` value accepts gzip: listed (or `*`) with a non-zero quality, per
 * RFC 9110 §12.5.3; an explicit `gzip;q=0` refuses it whatever `*` says.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const quality = new Map<string, number>();
  for (const entry of header.split(",")) {
    const [name, ...params] = entry.split(";").map((part) => part.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((param) => param.startsWith("q="));
    quality.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (quality.get("gzip") ?? quality.get("x-gzip") ?? quality.get("*") ?? 0) > 0;
}
