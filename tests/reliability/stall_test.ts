/**
 * Half-open stall: the proxy stops forwarding but keeps the socket open. The client
 * declares the connection dead within its stall timeout and resumes with the cursor, exactly.
 * Heartbeats keep an idle but healthy connection alive through the same timeout.
 */
import assert from "node:assert/strict";
import { followStream, seqProblem } from "../support/sse-client.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { pausingProvider, scriptedProvider, startTestServer, until } from "./harness.ts";

const START = "/api/cases/dka-new-onset/workflow/start/stream";
const STALL_MS = 500;
/** How late past STALL_MS a timer may fire on a loaded 2-core machine. */
const TIMER_SLACK_MS = 400;

Deno.test("stall: a half-open connection is declared dead within stall-ms and resumed exactly", async () => {
  const server = await startTestServer({
    env: { HEARTBEAT_MS: "100" },
    provider: scriptedProvider(2),
  });
  const proxy = startTcpProxy(server);
  try {
    const following = followStream(`${proxy.origin}${START}`, { stallMs: STALL_MS });
    await until(
      () => (proxy.connections[0]?.bytesToClient ?? 0) > 30_000,
      10_000,
      "30 KB streamed",
    );
    proxy.stall();
    const transcript = await following;
    const [stalled, resumed] = transcript.connections;
    assert.equal(stalled.endedBy, "stall");
    const detectedAfter = stalled.endedAt! - stalled.lastByteAt!;
    assert.ok(detectedAfter >= STALL_MS - 5, `Declared dead after only ${detectedAfter} ms`);
    assert.ok(
      detectedAfter <= STALL_MS + TIMER_SLACK_MS,
      `Declared dead after ${detectedAfter} ms`,
    );
    const lastBeforeStall = transcript.events[stalled.events - 1];
    assert.equal(resumed.cursor, `${lastBeforeStall.runId}.${lastBeforeStall.seq}`);
    assert.equal(transcript.finished, true);
    assert.equal(seqProblem(transcript.events), undefined);
    const run = server.app.context.registry.get(lastBeforeStall.runId)!;
    assert.deepEqual(transcript.events, run.log.events);
    assert.equal(server.calls.length, 8, "The resume called the model again");
    console.log(
      `stall: declared dead ${
        detectedAfter.toFixed(0)
      } ms after the last byte (stall-ms ${STALL_MS})`,
    );
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("stall: heartbeats keep an idle connection alive past stall-ms", async () => {
  const provider = pausingProvider(scriptedProvider(), 20, STALL_MS * 2);
  const server = await startTestServer({ env: { HEARTBEAT_MS: "100" }, provider });
  try {
    const transcript = await followStream(
      `${server.origin}/api/cases/dka-new-onset/workflow/stages/initial/stream`,
      {
        stallMs: STALL_MS,
      },
    );
    assert.equal(transcript.finished, true);
    assert.equal(
      transcript.connections.length,
      1,
      "An idle connection with heartbeats was declared dead",
    );
    assert.ok(
      transcript.heartbeats >= 5,
      `Only ${transcript.heartbeats} heartbeats in a ${STALL_MS * 2} ms pause`,
    );
  } finally {
    await server.close();
  }
});
