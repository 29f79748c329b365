/**
 * The registry and routes over a shared run log, two instances in one process on an in-memory
 * hub: mirroring, resume, presence, cancel, loss and outages, without Redis.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import {
  gatedProvider,
  type Harness,
  makeApp,
  manualClock,
  readEvents,
  startChatRun,
  waitFor,
} from "./harness.ts";
import { sharedHub } from "./shared-hub.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";

/** Two instances on one hub and one conversation store; A's model is gated when asked. */
function pair(options: { gated?: boolean; clock?: ReturnType<typeof manualClock> } = {}) {
  const hub = sharedHub();
  const store = openSqliteStore(":memory:");
  const gate = gatedProvider();
  const a = makeApp({
    shared: hub.instance("A"),
    store,
    // The gated model is silent until told otherwise: only the orphan grace may end its runs.
    config: { upstreamIdleTimeoutMs: 3_600_000 },
    ...(options.gated ? { provider: gate.provider } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const b = makeApp({ shared: hub.instance("B"), store });
  return {
    hub,
    gate,
    a,
    b,
    close() {
      a.close();
      b.close();
      store.close();
    },
  };
}

async function firstEvents(response: Response, count: number) {
  const reader = response.body!.getReader();
  const text: string[] = [];
  const decoder = new TextDecoder();
  while ((text.join("").match(/^id: /gm) ?? []).length < count) {
    const step = await reader.read();
    if (step.done) break;
    text.push(decoder.decode(step.value));
  }
  return { reader, text: text.join("") };
}

const stream = async (h: Harness, runId: string, cursor?: string) =>
  await h.app.request(`/api/runs/${runId}/stream`, {
    headers: cursor === undefined ? {} : { "last-event-id": cursor },
  });

Deno.test("shared log: a run of one instance replays on the other from every cursor", async () => {
  const p = pair();
  try {
    const all = await readEvents(await p.a.app.request(STAGE));
    const runId = all[0].runId;
    for (const k of [0, 1, 5, all.length - 1, all.length]) {
      assert.deepEqual(await readEvents(await stream(p.b, runId, `${runId}.${k}`)), all.slice(k));
    }
    const status = await (await p.b.app.request(`/api/runs/${runId}`)).json();
    assert.equal(status.status, "complete");
    assert.equal(status.lastSeq, all.length);
  } finally {
    p.close();
  }
});

Deno.test("shared log: a live run streams identically to viewers on both instances", async () => {
  const p = pair({ gated: true });
  try {
    const { runId } = await startChatRun(p.a.app);
    p.gate.push("Hello ");
    const onB = stream(p.b, runId).then(readEvents);
    const onA = stream(p.a, runId).then(readEvents);
    await waitFor(() => p.hub.viewers(runId).B === 1);
    p.gate.push("there, ", "clinician.");
    p.gate.end();
    const [eventsA, eventsB] = await Promise.all([onA, onB]);
    assert.equal(eventsA.at(-1)?.type, "stream_done");
    assert.deepEqual(eventsB, eventsA);
    await waitFor(() => p.hub.viewers(runId).B === 0);
  } finally {
    p.close();
  }
});

Deno.test("shared log: a resume on the other instance mid-run has no gap or duplicate", async () => {
  const p = pair({ gated: true });
  try {
    const { runId } = await startChatRun(p.a.app);
    p.gate.push("One two three four five six seven. ");
    await waitFor(() => p.a.app.context.registry.get(runId)!.log.lastSeq >= 4);
    const head = await firstEvents(await stream(p.a, runId), 3);
    await head.reader.cancel();
    const resumed = stream(p.b, runId, `${runId}.3`).then(readEvents);
    p.gate.push("Eight nine ten eleven.");
    p.gate.end();
    const rest = await resumed;
    const all = await readEvents(await stream(p.a, runId));
    assert.deepEqual(rest, all.slice(3));
  } finally {
    p.close();
  }
});

Deno.test("shared log: orphan grace counts viewers on other instances", async () => {
  const clock = manualClock();
  const p = pair({ gated: true, clock });
  try {
    const { runId } = await startChatRun(p.a.app);
    const run = p.a.app.context.registry.get(runId)!;
    const response = await stream(p.b, runId);
    await waitFor(() => p.hub.viewers(runId).B === 1);
    clock.advance(p.a.app.context.config.orphanGraceMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(run.status, "running", "watched on B");
    await response.body!.cancel();
    await waitFor(() => p.hub.viewers(runId).B === 0);
    clock.advance(p.a.app.context.config.orphanGraceMs);
    await waitFor(() => run.status === "cancelled");
    assert.ok(p.gate.signals[0].aborted);
  } finally {
    p.close();
  }
});

Deno.test("shared log: a cancel sent to the other instance stops the owner's upstream", async () => {
  const p = pair({ gated: true });
  try {
    const { runId } = await startChatRun(p.a.app);
    p.gate.push("Partial ");
    const viewer = stream(p.b, runId).then(readEvents);
    await waitFor(() => p.gate.signals.length === 1);
    const response = await p.b.app.request(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(await response.json(), { status: "cancelled" });
    assert.ok(p.gate.signals[0].aborted);
    const events = await viewer;
    const done = events.at(-1) as SequencedEvent & { type: "stream_done" };
    assert.equal(done.metadata.finish_reason, "cancelled");
    const again = await p.b.app.request(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(again.status, 409);
    const unknown = await p.b.app.request(`/api/runs/${"x".repeat(22)}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(unknown.status, 404);
  } finally {
    p.close();
  }
});

Deno.test("shared log: a lost owner ends viewers elsewhere with stream_lost, text kept", async () => {
  const p = pair({ gated: true });
  try {
    const { runId } = await startChatRun(p.a.app);
    p.gate.push("Kept words here. ");
    const viewer = stream(p.b, runId).then(readEvents);
    await waitFor(() => p.hub.viewers(runId).B === 1);
    await waitFor(() =>
      p.b.app.context.registry.get(runId)!.log.panels.chat === "Kept words here. "
    );
    p.hub.lose(runId);
    const events = await viewer;
    const tail = events.slice(-2);
    assert.deepEqual(tail.map((e) => [e.seq, e.type]), [[0, "error"], [0, "stream_done"]]);
    assert.equal(tail[0].type === "error" && tail[0].metadata.error_code, "stream_lost");
    const text = events.filter((e) => e.type === "content_chunk").map((e) => e.content).join("");
    assert.equal(text, "Kept words here. ");
    // Later requests see the loss too, and never hang.
    const later = await readEvents(await stream(p.b, runId, `${runId}.1`));
    assert.deepEqual(later.slice(-2).map((e) => e.seq), [0, 0]);
  } finally {
    p.gate.end();
    p.close();
  }
});

Deno.test("shared log: while unreachable, starts answer 503 and health says so", async () => {
  const p = pair();
  try {
    p.hub.setReachable(false);
    const start = await p.a.app.request("/api/chat/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Hi" }),
    });
    assert.equal(start.status, 503);
    assert.equal((await start.json()).error.code, "upstream_unavailable");
    assert.equal(p.a.app.context.registry.running, 0, "the slot was given back");
    const health = await p.a.app.request("/api/health");
    assert.equal(health.status, 503);
    assert.deepEqual((await health.json()).redis, "unreachable");
    const lookup = await p.b.app.request(`/api/runs/${"y".repeat(22)}`);
    assert.equal(lookup.status, 503);
    p.hub.setReachable(true);
    assert.equal((await p.a.app.request("/api/health")).status, 200);
    const events = await readEvents(await p.a.app.request(STAGE));
    assert.equal(events.at(-1)?.type, "stream_done");
  } finally {
    p.close();
  }
});

Deno.test("shared log: a run whose events cannot be written ends lost, as elsewhere", async () => {
  const p = pair({ gated: true });
  try {
    const { runId } = await startChatRun(p.a.app);
    const run = p.a.app.context.registry.get(runId)!;
    p.hub.setReachable(false);
    p.gate.push("Lost words ");
    await run.done;
    assert.equal(run.log.error?.code, "stream_lost");
    assert.deepEqual(run.log.events.slice(-2).map((e) => [e.type, e.seq]), [
      ["error", 0],
      ["stream_done", 0],
    ]);
    assert.ok(p.gate.signals[0].aborted, "the upstream call stops too");
  } finally {
    p.close();
  }
});
