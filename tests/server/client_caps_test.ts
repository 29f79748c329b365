/**
 * Per-client caps: SSE responses held open (MAX_VIEWERS_PER_CLIENT) and runs in flight
 * (MAX_RUNS_PER_CLIENT), each answered by a clear 429 with Retry-After, counted per client
 * address, and given back when a stream ends however it ends.
 */
import assert from "node:assert/strict";
import { gatedProvider, makeApp, startChatRun, waitFor } from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };

/** A request as the socket server hands it over, from `address`. */
function from(address: string) {
  return { remoteAddr: { transport: "tcp", hostname: address, port: 40000 } };
}

Deno.test("viewer cap: a client's streams past the cap answer 429 and free their slot when they end", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider, config: { maxViewersPerClient: 3 } });
  try {
    const { runId } = await startChatRun(h.app);
    const attach = (address: string) =>
      h.app.fetch(new Request(`http://localhost/api/runs/${runId}/stream`), from(address));
    const open = [await attach("10.0.0.1"), await attach("10.0.0.1"), await attach("10.0.0.1")];
    assert.deepEqual(open.map((r) => r.status), [200, 200, 200]);
    const refused = await attach("10.0.0.1");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "5");
    assert.equal((await refused.json()).error.code, "rate_limited");
    // Another client is not affected.
    const other = await attach("10.0.0.2");
    assert.equal(other.status, 200);
    const run = h.app.context.registry.get(runId)!;
    assert.equal(run.viewerCount, 4);
    // A client going away gives its slot back at once.
    await open[0].body!.cancel();
    const again = await attach("10.0.0.1");
    assert.equal(again.status, 200);
    for (const response of [...open.slice(1), other, again]) await response.body!.cancel();
    const { viewers } = h.app.context.caps;
    assert.equal(viewers.clients, 0);
    await waitFor(() => run.viewerCount === 0);
  } finally {
    h.close();
  }
});

Deno.test("viewer cap: a stream read to its end gives its slot back; a refused stream starts no run", async () => {
  const h = makeApp({ config: { maxViewersPerClient: 1 } });
  try {
    const stream = () =>
      h.app.fetch(
        new Request("http://localhost/api/cases/aki-nsaids/workflow/stages/plan/stream"),
        from("10.0.0.9"),
      );
    const first = await stream();
    const refused = await stream();
    assert.equal(refused.status, 429);
    await refused.body?.cancel();
    assert.equal(h.app.context.registry.running, 1);
    await first.text();
    assert.equal(h.app.context.caps.viewers.heldBy("10.0.0.9"), 0);
    const second = await stream();
    assert.equal(second.status, 200);
    await second.text();
  } finally {
    h.close();
  }
});

Deno.test("run cap: one client cannot hold every run slot; a run that ends frees its slot", async () => {
  const gate = gatedProvider();
  const h = makeApp({
    provider: gate.provider,
    config: { maxRunsPerClient: 2, maxConcurrentRuns: 10 },
  });
  try {
    const start = (address: string) =>
      h.app.fetch(
        new Request("http://localhost/api/chat/messages", {
          method: "POST",
          headers: JSON_TYPE,
          body: JSON.stringify({ message: "Potassium?" }),
        }),
        from(address),
      );
    const started = [await start("10.0.0.1"), await start("10.0.0.1")];
    assert.deepEqual(started.map((r) => r.status), [201, 201]);
    const refused = await start("10.0.0.1");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "5");
    assert.deepEqual((await refused.json()).error, {
      code: "rate_limited",
      message: "Too many runs in progress; please wait",
    });
    assert.equal((await start("10.0.0.2")).status, 201);
    assert.equal(h.app.context.registry.running, 3);
    const { runId } = await started[0].json();
    const cancel = await h.app.request(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: JSON_TYPE,
    });
    assert.equal(cancel.status, 200);
    assert.equal((await start("10.0.0.1")).status, 201);
  } finally {
    h.close();
  }
});
