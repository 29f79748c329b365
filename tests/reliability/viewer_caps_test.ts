/**
 * Per-client viewer cap over real sockets: one client's streams past MAX_VIEWERS_PER_CLIENT
 * answer 429, so one client can no longer attach thousands of viewers; and what viewers cost is
 * given back when they leave. Bounded: at most 300 connections, 127.0.0.1 only.
 */
import assert from "node:assert/strict";
import { gatedProvider } from "../server/harness.ts";
import { startTestServer, until } from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };

function memory(): number {
  const { heapUsed, external } = Deno.memoryUsage();
  return heapUsed + external;
}

async function openViewers(url: string, count: number) {
  return await Promise.all(Array.from({ length: count }, async () => {
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    return { response, controller };
  }));
}

Deno.test("viewer cap: one client gets MAX_VIEWERS_PER_CLIENT streams, then 429; their slots come back when they leave", async () => {
  for (const [cap, count] of [[64, 80], [1000, 300]] as const) {
    const gate = gatedProvider();
    const server = await startTestServer({
      provider: gate.provider,
      env: { MAX_VIEWERS_PER_CLIENT: String(cap) },
    });
    try {
      const { runId } = await fetch(`${server.origin}/api/chat/messages`, {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify({ message: "Potassium?" }),
      }).then((r) => r.json());
      const run = server.app.context.registry.get(runId)!;
      const before = memory();
      const viewers = await openViewers(`${server.origin}/api/runs/${runId}/stream`, count);
      const statuses = viewers.map(({ response }) => response.status);
      const attached = statuses.filter((s) => s === 200).length;
      assert.equal(attached, Math.min(cap, count));
      assert.equal(statuses.filter((s) => s === 429).length, count - attached);
      await until(() => run.viewerCount === attached, 10_000, "viewers attached");
      const held = memory();
      for (const { response, controller } of viewers) {
        if (response.status !== 200) await response.body?.cancel();
        controller.abort();
      }
      await until(() => run.viewerCount === 0, 10_000, "viewers gone");
      await until(() => server.app.context.caps.viewers.clients === 0, 10_000, "slots given back");
      const after = memory();
      console.log(
        `viewer cap ${cap}: ${count} asked, ${attached} attached, ${
          count - attached
        } refused 429; ` +
          `heap+external ${mib(before)} → ${mib(held)} MiB with viewers ` +
          `(${((held - before) / Math.max(1, attached) / 1024).toFixed(1)} KiB each) → ${
            mib(after)
          } MiB after they left`,
      );
    } finally {
      gate.end();
      await server.close();
    }
  }
});

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
