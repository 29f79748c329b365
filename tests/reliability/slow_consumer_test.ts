/**
 * Slow consumers: clients that open a stream and never read. The server keeps no per-viewer copy
 * of the log, so its memory stays bounded; a viewer whose unsent backlog passes the bound (1 MiB)
 * while it takes nothing for STALL_MS is dropped; and a viewer of another run keeps its latency.
 */
import assert from "node:assert/strict";
import type { LlmProvider } from "../../server/providers/provider.ts";
import { STALL_MS } from "../../server/runs/viewer-set.ts";
import { followStream, seqProblem } from "../support/sse-client.ts";
import { FULL, scriptedProvider, startTestServer, type TestServer } from "./harness.ts";

const SLOW_CLIENTS = FULL ? 40 : 10;
/** Model text of the fast run: far more SSE bytes than socket buffers plus the backlog bound. */
const FIREHOSE_CHARS = 600_000;
const BACKLOG_BOUND = 1024 * 1024;

/**
 * Chat replies pour out as fast as the run takes them once `opened`, then trickle on until the
 * stalled clients have had time to count as stalled; workflow stages are paced.
 */
function mixedProvider(opened: Promise<void>): LlmProvider {
  const paced = scriptedProvider(4);
  return {
    name: "scripted",
    async *stream(request) {
      if (request.purpose !== "chat") return yield* paced.stream(request);
      await opened;
      const delta = "lorem ipsum dolor sit amet, ".repeat(40);
      const started = performance.now();
      for (let sent = 0; sent < FIREHOSE_CHARS; sent += delta.length) {
        request.signal.throwIfAborted();
        yield { channel: "answer", text: delta };
        // Lets sockets and the other run's timers in between deltas, as a network would.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      // However fast the burst went, the run goes on past the stall time: a drop is decided as
      // events are appended, so some must come after it.
      while (performance.now() - started < 3 * STALL_MS) {
        request.signal.throwIfAborted();
        yield { channel: "answer", text: "lorem ipsum " };
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return "stop";
    },
  };
}

/** Opens a raw HTTP connection for the stream and never reads it. */
async function openNeverReading(server: TestServer, path: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: server.hostname, port: server.port });
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${server.hostname}\r\nAccept: text/event-stream\r\n\r\n`;
  await conn.write(new TextEncoder().encode(request));
  return conn;
}

/** Reads what the server left in the socket, until it closes or goes quiet; the text read. */
async function drain(
  conn: Deno.TcpConn,
): Promise<{ bytes: number; sawDone: boolean; closed: boolean }> {
  const buffer = new Uint8Array(256 * 1024);
  const decoder = new TextDecoder();
  let tail = "";
  let bytes = 0;
  let sawDone = false;
  for (;;) {
    const read = await Promise.race([
      conn.read(buffer).catch(() => null),
      new Promise<"quiet">((resolve) => setTimeout(() => resolve("quiet"), 2000)),
    ]);
    if (read === "quiet") return { bytes, sawDone, closed: false };
    if (read === null) return { bytes, sawDone, closed: true };
    bytes += read;
    tail = (tail + decoder.decode(buffer.subarray(0, read), { stream: true })).slice(-4096);
    sawDone ||= tail.includes('"type":"stream_done"');
  }
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

Deno.test("slow consumers: never-reading clients are dropped at the backlog bound, memory stays bounded, others keep their latency", async () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  // A log far past the run bound: this is about the viewers' backlog bound, not MAX_RUN_BYTES.
  const server = await startTestServer({
    provider: mixedProvider(opened),
    env: { MAX_RUN_BYTES: String(64 * 1024 * 1024) },
  });
  const slow: Deno.TcpConn[] = [];
  try {
    const started = await fetch(`${server.origin}/api/chat/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Stream as much as you can" }),
    }).then((r) => r.json());
    const run = server.app.context.registry.get(started.runId)!;
    for (let i = 0; i < SLOW_CLIENTS; i++) {
      slow.push(await openNeverReading(server, started.streamUrl));
    }
    const deadline = performance.now() + 5000;
    while (run.viewerCount < SLOW_CLIENTS && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(run.viewerCount, SLOW_CLIENTS);

    const live = () => {
      const usage = Deno.memoryUsage();
      return usage.heapUsed + usage.external;
    };
    const before = live();
    const watching = followStream(
      `${server.origin}/api/cases/pediatric-asthma/workflow/stages/diagnosis/stream`,
    );
    open();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, live())), 20);
    const [watched] = await Promise.all([watching, run.done]);
    clearInterval(sampler);

    const logBytes = run.log.frames.reduce((sum, frame) => sum + frame.byteLength, 0);
    const dropped = server.logs.filter((line) => line.includes('"viewer_dropped"')).length;
    assert.equal(dropped, SLOW_CLIENTS, `${dropped} of ${SLOW_CLIENTS} slow clients dropped`);
    const growth = peak - before;
    // The run's own log (frames, events, panel text, garbage not yet collected) grows with the
    // run; each slow viewer may add at most its bound and one batch, never a copy of the log.
    const bound = 6 * logBytes + SLOW_CLIENTS * 2 * BACKLOG_BOUND;
    assert.ok(
      growth < bound,
      `Heap grew ${mb(growth)} for a ${mb(logBytes)} log (bound ${mb(bound)})`,
    );

    assert.equal(watched.finished, true);
    assert.equal(seqProblem(watched.events), undefined);
    const latencies = watched.events.map((event, i) =>
      performance.timeOrigin + watched.receivedAt[i] - event.ts
    );
    const p95 = percentile(latencies, 0.95);
    assert.ok(p95 < 250, `Other viewer's p95 latency ${p95.toFixed(0)} ms`);

    const drained = await Promise.all(slow.map(drain));
    for (const result of drained) {
      assert.equal(result.sawDone, false, "A never-reading client got the whole run");
      assert.equal(result.closed, true, "A dropped client's connection is still open");
    }
    console.log(
      `slow consumers: ${SLOW_CLIENTS} dropped at ${mb(BACKLOG_BOUND)}; log ${mb(logBytes)}, ` +
        `heap +${mb(growth)} (peak), other viewer p95 ${p95.toFixed(0)} ms, ` +
        `slow clients received ≤ ${mb(Math.max(...drained.map((d) => d.bytes)))}`,
    );
  } finally {
    open();
    for (const conn of slow) {
      try {
        conn.close();
      } catch {
        // Closed by the server.
      }
    }
    await server.close();
  }
});

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
