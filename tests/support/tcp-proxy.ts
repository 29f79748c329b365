/**
 * A real TCP proxy for fault injection: sits between a client and a server on 127.0.0.1 and can
 * cut a connection after N bytes server→client (abrupt close), stall every connection while
 * keeping the sockets open (half-open), resume, cut everything at once, and retarget to a
 * restarted server. Every socket it opens is closed by `close()`.
 */

/** Where the proxy forwards to. */
export interface ProxyTarget {
  hostname: string;
  port: number;
}

/** What happens to one connection, decided when it opens. */
export interface ConnectionPlan {
  /** Close both sides abruptly once this many server→client bytes were forwarded. */
  cutAfterBytes?: number;
  /**
   * Close both sides abruptly `plusBytes` after the `count`-th blank line (`\n\n`, the end of an
   * SSE message) server→client: a cut at an event boundary (0) or inside the next event.
   */
  cutAfterMessages?: { count: number; plusBytes: number };
}

/** One proxied connection, as observed. */
export interface ProxyConnection {
  /** 0 for the first connection accepted. */
  readonly index: number;
  /** Server→client bytes forwarded so far. */
  readonly bytesToClient: number;
  /** Whether the proxy cut it (a plan's cut, `cutAll` or `close`). */
  readonly cut: boolean;
  /** Whether both sockets are closed. */
  readonly closed: boolean;
}

/** Options of `startTcpProxy`. */
export interface TcpProxyOptions {
  /** Decides each connection's fate when it opens; by default it is left alone. */
  plan?: (index: number) => ConnectionPlan;
}

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly origin: string;
  readonly connections: readonly ProxyConnection[];
  /**
   * Stops forwarding on every connection open now, in both directions; their sockets stay open
   * and unread bytes wait (a half-open connection). New connections flow normally.
   */
  stall(): void;
  /** Forwards again on the stalled connections. */
  resume(): void;
  /** Closes every open connection abruptly; new connections are still accepted. */
  cutAll(): void;
  /** Points new connections at another server (a restarted one). */
  retarget(target: ProxyTarget): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

interface LiveConnection extends ProxyConnection {
  index: number;
  bytesToClient: number;
  cut: boolean;
  closed: boolean;
  client: Deno.TcpConn;
  server?: Deno.TcpConn;
  /** Settles when the connection closes, so a stalled pump wakes up. */
  whenClosed: Promise<void>;
  markClosed: () => void;
  /** Set while stalled; settles on resume. */
  gate?: Promise<void>;
  release?: () => void;
}

const BUFFER_BYTES = 16 * 1024;

/** Starts a proxy on 127.0.0.1 at a free port, forwarding to `target`. */
export function startTcpProxy(target: ProxyTarget, options: TcpProxyOptions = {}): TcpProxy {
  const { plan = (): ConnectionPlan => ({}) } = options;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections: LiveConnection[] = [];
  const pumps: Promise<void>[] = [];
  let current = target;
  let closing = false;

  const shut = (conn: LiveConnection, cut: boolean) => {
    if (conn.closed) return;
    conn.closed = true;
    conn.cut ||= cut;
    conn.markClosed();
    for (const socket of [conn.client, conn.server]) {
      try {
        socket?.close();
      } catch {
        // Already closed by the peer.
      }
    }
  };

  const waitWhileStalled = async (conn: LiveConnection) => {
    while (conn.gate && !conn.closed) await Promise.race([conn.gate, conn.whenClosed]);
  };

  const pump = async (
    conn: LiveConnection,
    from: Deno.TcpConn,
    to: Deno.TcpConn,
    toClient: boolean,
    plan: ConnectionPlan,
  ) => {
    const buffer = new Uint8Array(BUFFER_BYTES);
    let cutAfter = plan.cutAfterBytes;
    const messages = plan.cutAfterMessages;
    let blankLines = 0;
    let afterLf = false;
    try {
      while (!conn.closed) {
        const n = await from.read(buffer);
        if (n === null) break;
        await waitWhileStalled(conn);
        if (conn.closed) break;
        let bytes = buffer.subarray(0, n);
        if (toClient && messages && cutAfter === undefined) {
          for (let i = 0; i < bytes.length; i++) {
            const lf = bytes[i] === 0x0a;
            if (lf && afterLf && ++blankLines === messages.count) {
              cutAfter = conn.bytesToClient + i + 1 + messages.plusBytes;
              break;
            }
            afterLf = lf;
          }
        }
        let cutNow = false;
        if (toClient && cutAfter !== undefined && conn.bytesToClient + n >= cutAfter) {
          bytes = bytes.subarray(0, cutAfter - conn.bytesToClient);
          cutNow = true;
        }
        if (toClient) conn.bytesToClient += bytes.length;
        if (bytes.length > 0) await writeAll(to, bytes);
        if (cutNow) return shut(conn, true);
      }
    } catch {
      // A socket closed under the pump: the connection is over either way.
    }
    shut(conn, false);
  };

  const accept = async () => {
    for await (const client of listener) {
      if (closing) {
        client.close();
        break;
      }
      let markClosed = () => {};
      const whenClosed = new Promise<void>((resolve) => (markClosed = resolve));
      const conn: LiveConnection = {
        index: connections.length,
        bytesToClient: 0,
        cut: false,
        closed: false,
        client,
        whenClosed,
        markClosed,
      };
      connections.push(conn);
      pumps.push(open(conn));
    }
  };

  const open = async (conn: LiveConnection) => {
    const connectionPlan = plan(conn.index);
    try {
      conn.server = await Deno.connect({ hostname: current.hostname, port: current.port });
    } catch {
      // The server is down (a restart in progress): the client sees its connection refused.
      return shut(conn, false);
    }
    if (conn.closed) return shut(conn, false);
    if (connectionPlan.cutAfterBytes === 0) return shut(conn, true);
    await Promise.all([
      pump(conn, conn.client, conn.server, false, {}),
      pump(conn, conn.server, conn.client, true, connectionPlan),
    ]);
  };

  const accepting = accept().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;

  return {
    origin: `http://127.0.0.1:${port}`,
    connections,
    stall() {
      for (const conn of connections) {
        if (conn.closed || conn.gate) continue;
        conn.gate = new Promise<void>((resolve) => (conn.release = resolve));
      }
    },
    resume() {
      for (const conn of connections) {
        const release = conn.release;
        conn.gate = conn.release = undefined;
        release?.();
      }
    },
    cutAll() {
      for (const conn of connections) shut(conn, true);
    },
    retarget(target) {
      current = target;
    },
    async close() {
      closing = true;
      this.resume();
      for (const conn of connections) shut(conn, true);
      listener.close();
      await accepting;
      await Promise.all(pumps);
    },
  };
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}
