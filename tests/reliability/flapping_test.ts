/**
 * Flapping: the proxy cuts every connection every 500 ms, twenty times, while a run
 * streams. The run completes exactly for every client, reconnection delays follow the widgets'
 * backoff (exponential, full jitter, never under the server's `retry:`), and many clients do not
 * reconnect in lockstep.
 */
import assert from "node:assert/strict";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import { mulberry32 } from "../../server/providers/token-split.ts";
import { backoffDelay, type BackoffOptions } from "../../widgets/connection/backoff.ts";
import { followStream, seqProblem } from "../support/sse-client.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { startTestServer, until } from "./harness.ts";

/** The element's defaults (DESIGN.md §6) and the server's default `retry:`. */
const ELEMENT = { baseMs: 500, maxMs: 15_000 };
const SERVER_RETRY_MS = 1000;

/** A seeded PRNG, so each simulated client has its own reproducible randomness. */
const seeded = mulberry32;

/** The highest delay backoff may choose for `attempt`. */
const ceiling = (attempt: number, options: Omit<BackoffOptions, "random">) =>
  (options.floorMs ?? 0) + Math.min(options.maxMs, options.baseMs * 2 ** attempt);

Deno.test("flapping: cuts every 500 ms, twenty times, and every client still ends with the run's exact log", async () => {
  // About 6 400 characters at 400 per second (16 s): the run outlives the twenty cuts (10 s).
  const provider = createScriptedProvider({ charsPerSec: 400, firstTokenMs: 0 });
  const server = await startTestServer({ provider });
  const proxy = startTcpProxy(server);
  const backoff = { baseMs: 250, maxMs: 2000 };
  try {
    const started = await followStream(
      `${server.origin}/api/cases/aki-nsaids/workflow/start/stream`,
      {
        maxConnections: 1,
        stallMs: 2000,
        deadlineMs: 2000,
      },
    );
    const runId = started.events[0].runId;
    const clients = [0, 1, 2].map((seed) =>
      followStream(`${proxy.origin}/api/runs/${runId}/stream`, {
        deadlineMs: 40_000,
        delay: (attempt, serverRetryMs) =>
          backoffDelay(attempt, { ...backoff, floorMs: serverRetryMs, random: seeded(seed + 1) }),
      })
    );
    let cuts = 0;
    let connectionsCut = 0;
    while (cuts < 20) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      connectionsCut += proxy.connections.filter((c) => !c.closed).length;
      proxy.cutAll();
      cuts++;
    }
    const run = server.app.context.registry.get(runId)!;
    assert.equal(run.running, true, "The run ended before the cuts did: the test proves nothing");
    const transcripts = await Promise.all(clients);
    await until(() => !run.running, 30_000, "the run to end");
    for (const transcript of transcripts) {
      assert.equal(transcript.finished, true);
      assert.equal(seqProblem(transcript.events), undefined);
      assert.deepEqual(transcript.events, run.log.events);
      for (const connection of transcript.connections.slice(1)) {
        const options = { ...backoff, floorMs: transcript.retryMs };
        assert.ok(
          connection.delayMs >= (transcript.retryMs ?? 0),
          `Reconnected ${connection.delayMs} ms after a cut`,
        );
        assert.ok(
          connection.delayMs <= ceiling(connection.attempt, options),
          `Waited ${connection.delayMs} ms`,
        );
      }
    }
    assert.ok(connectionsCut >= 15, `Only ${connectionsCut} connections were cut`);
    assert.equal(server.calls.length, 8, "A reconnection called the model again");
    const reconnects = transcripts.reduce((sum, t) => sum + t.connections.length - 1, 0);
    console.log(
      `flapping: ${cuts} cut rounds, ${connectionsCut} connections cut, ${reconnects} reconnections`,
    );
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("flapping: backoff delays with the element's defaults stay within the exponential envelope", () => {
  const options = { ...ELEMENT, floorMs: SERVER_RETRY_MS };
  for (let seed = 1; seed <= 200; seed++) {
    const random = seeded(seed);
    for (let attempt = 0; attempt < 8; attempt++) {
      const delay = backoffDelay(attempt, { ...options, random });
      assert.ok(
        delay >= SERVER_RETRY_MS && delay <= ceiling(attempt, options),
        `attempt ${attempt}: ${delay} ms`,
      );
    }
  }
});

Deno.test("flapping: two hundred clients cut at once do not reconnect in lockstep at any attempt", () => {
  const clients = Array.from({ length: 200 }, (_, i) => seeded(1000 + i));
  for (let attempt = 0; attempt < 6; attempt++) {
    const delays = clients.map((random) =>
      backoffDelay(attempt, { ...ELEMENT, floorMs: SERVER_RETRY_MS, random })
    );
    // Clients reconnecting within the same 10 ms land on the server together.
    const buckets = new Map<number, number>();
    for (const delay of delays) {
      buckets.set(Math.floor(delay / 10), (buckets.get(Math.floor(delay / 10)) ?? 0) + 1);
    }
    const crowd = Math.max(...buckets.values());
    assert.ok(
      crowd <= delays.length / 10,
      `Attempt ${attempt}: ${crowd} of ${delays.length} clients reconnect in the same 10 ms (${
        Math.min(...delays)
      }–${Math.max(...delays)} ms)`,
    );
  }
});
