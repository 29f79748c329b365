/**
 * An HTTP load balancer for the cluster test: request i goes to upstream i mod n, bodies stream
 * both ways, and a client that goes away aborts the upstream request.
 */

/** A running proxy. */
export interface AlternatingProxy {
  readonly origin: string;
  /** The upstream index each request went to, in order. */
  readonly routed: number[];
  close(): Promise<void>;
}

/** Starts the proxy in front of `upstreams` (origins). */
export function startAlternatingProxy(upstreams: string[]): Promise<AlternatingProxy> {
  const routed: number[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          origin: `http://127.0.0.1:${port}`,
          routed,
          close: () => server.shutdown(),
        }),
    }, async (request) => {
      const index = routed.length % upstreams.length;
      routed.push(index);
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      try {
        const response = await fetch(`${upstreams[index]}${url.pathname}${url.search}`, {
          method: request.method,
          headers,
          body: request.body,
          signal: request.signal,
        });
        const out = new Headers(response.headers);
        // fetch has decoded a gzip body already: what goes on is the plain body.
        out.delete("content-encoding");
        out.delete("content-length");
        out.set("x-upstream", String(index));
        return new Response(response.body, { status: response.status, headers: out });
      } catch {
        return new Response("upstream unreachable", { status: 502 });
      }
    });
  });
}
