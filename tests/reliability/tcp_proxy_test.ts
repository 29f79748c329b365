import assert from "node:assert/strict";
import { startTcpProxy } from "../support/tcp-proxy.ts";

/** An echo-ish server: answers every connection with `payload`, then keeps it open until closed. */
function startBlobServer(payload: Uint8Array) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.TcpConn[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      conn.write(payload).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Closed by the proxy already.
        }
      }
      await serving;
    },
  };
}

/** Reads a socket in the background, counting bytes until EOF. */
function collect(conn: Deno.TcpConn) {
  const state = { bytes: 0, ended: false };
  (async () => {
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      state.bytes += n;
    }
    state.ended = true;
  })();
  return state;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PAYLOAD = new Uint8Array(10_000).fill(0x61);

Deno.test("tcp proxy cuts a connection after exactly N server-to-client bytes", async () => {
  const server = startBlobServer(PAYLOAD);
  const proxy = startTcpProxy({ hostname: "127.0.0.1", port: server.port }, {
    plan: (index) => ({ cutAfterBytes: index === 0 ? 1234 : undefined }),
  });
  const client = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(proxy.origin).port),
  });
  const result = collect(client);
  await pause(300);
  client.close();
  await proxy.close();
  await server.close();
  assert.deepEqual({ ...result }, { bytes: 1234, ended: true });
  assert.equal(proxy.connections[0].cut, true);
});

/** An echo server: sends back every byte it receives. */
function startEchoServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.TcpConn[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      conn.readable.pipeTo(conn.writable).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      await serving;
    },
  };
}

Deno.test("tcp proxy stalls open connections, keeps them open, and forwards everything after resume", async () => {
  const server = startEchoServer();
  const proxy = startTcpProxy({ hostname: "127.0.0.1", port: server.port });
  const port = Number(new URL(proxy.origin).port);
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const seen = collect(client);
  await client.write(new Uint8Array(10));
  await pause(200);
  const before = { ...seen };
  proxy.stall();
  await client.write(PAYLOAD);
  await pause(300);
  const during = { ...seen };
  const fresh = await Deno.connect({ hostname: "127.0.0.1", port });
  const freshSeen = collect(fresh);
  await fresh.write(PAYLOAD);
  await pause(300);
  const freshDuring = { ...freshSeen };
  proxy.resume();
  await pause(300);
  const after = { ...seen };
  client.close();
  fresh.close();
  await proxy.close();
  await server.close();
  assert.deepEqual([before, during, after], [
    { bytes: 10, ended: false },
    { bytes: 10, ended: false },
    { bytes: 10 + PAYLOAD.length, ended: false },
  ]);
  assert.deepEqual(
    freshDuring,
    { bytes: PAYLOAD.length, ended: false },
    "A new connection was stalled too",
  );
});

Deno.test("tcp proxy refuses a connection while its target is down and reaches a new target", async () => {
  const server = startBlobServer(PAYLOAD);
  const proxy = startTcpProxy({ hostname: "127.0.0.1", port: server.port });
  const port = Number(new URL(proxy.origin).port);
  await server.close();
  const refused = await Deno.connect({ hostname: "127.0.0.1", port });
  const down = collect(refused);
  await pause(300);
  const whileDown = { ...down };
  refused.close();
  const restarted = startBlobServer(PAYLOAD);
  proxy.retarget({ hostname: "127.0.0.1", port: restarted.port });
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const seen = collect(client);
  await pause(300);
  const afterRestart = { ...seen };
  client.close();
  await proxy.close();
  await restarted.close();
  assert.deepEqual(whileDown, { bytes: 0, ended: true });
  assert.deepEqual(afterRestart, { bytes: PAYLOAD.length, ended: false });
});
