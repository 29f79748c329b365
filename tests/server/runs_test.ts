/** Run lifecycle: persistence and replay, slow viewers, heartbeats, ids, the registry's timers. */
import assert from "node:assert/strict";
import { RunRegistry } from "../../server/runs/run-registry.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import type { SequencedEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { STALL_MS } from "../../server/runs/viewer-set.ts";
import {
  gatedProvider,
  makeApp,
  manualClock,
  readEvents,
  startChatRun,
  waitFor,
} from "./harness.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";

Deno.test("a finished run replays from storage after its in-memory TTL", async () => {
  const clock = manualClock();
  const h = makeApp({ config: { runTtlMs: 60_000 }, clock });
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const runId = all[0].runId;
    const inMemory = h.app.context.registry.get(runId);
    clock.advance(60_000);
    assert.notEqual(h.app.context.registry.get(runId), inMemory, "evicted from memory");
    const replay = await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    assert.deepEqual(replay, all);
    const resumed = await readEvents(
      await h.app.request(`/api/runs/${runId}/stream`, {
        headers: { "last-event-id": `${runId}.10` },
      }),
    );
    assert.deepEqual(resumed, all.slice(10));
    const status = await (await h.app.request(`/api/runs/${runId}`)).json();
    assert.deepEqual([status.status, status.lastSeq], ["complete", all.length]);
  } finally {
    h.close();
  }
});

Deno.test("finished runs and conversations survive reopening the same database", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/test.db`;
  try {
    const first = makeApp({ store: openSqliteStore(path) });
    const all = await readEvents(await first.app.request(STAGE));
    const { runId: chatRun, conversationId } = await startChatRun(first.app, "Kidneys?");
    await readEvents(await first.app.request(`/api/runs/${chatRun}/stream`));
    const before = await (await first.app.request(`/api/conversations/${conversationId}`)).json();
    first.close();
    first.store.close();

    const second = makeApp({ store: openSqliteStore(path) });
    try {
      const replay = await readEvents(await second.app.request(`/api/runs/${all[0].runId}/stream`));
      assert.deepEqual(replay, all);
      const after = await (await second.app.request(`/api/conversations/${conversationId}`)).json();
      assert.deepEqual(after, before);
      assert.equal(after.messages.length, 2);
    } finally {
      second.close();
      second.store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run lost in flight (no graceful stop) is stream_lost after reopening", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/test.db`;
  const gate = gatedProvider();
  const first = makeApp({ provider: gate.provider, store: openSqliteStore(path) });
  try {
    const { runId } = await startChatRun(first.app);
    const second = makeApp({ store: openSqliteStore(path) });
    try {
      const events = await readEvents(await second.app.request(`/api/runs/${runId}/stream`));
      assert.deepEqual(events.map((e) => [e.type, e.seq]), [["error", 0], ["stream_done", 0]]);
    } finally {
      second.close();
      second.store.close();
    }
  } finally {
    first.close();
    first.store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a viewer that stops reading is dropped once stalled past its backlog bound; a burst drops no one", async () => {
  const clock = manualClock();
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider, config: { viewerBacklogBytes: 8192 }, clock });
  const line = "Serum potassium 5.9 mmol/L; repeat the ECG. ";
  try {
    const { runId } = await startChatRun(h.app);
    const fast = incrementalReader(await h.app.request(`/api/runs/${runId}/stream`));
    const stuck = await h.app.request(`/api/runs/${runId}/stream`);
    const run = h.app.context.registry.get(runId)!;
    // A burst far over the bound, read by one viewer and not by the other, within the stall time.
    // (The last few characters wait for an idle flush, which this clock never fires.)
    const caughtUp = (lines: number) => () =>
      run.log.panels.chat.length > lines * line.length - 10 &&
      fast.chars() === run.log.panels.chat.length;
    for (let i = 0; i < 200; i++) gate.push(line);
    await waitFor(caughtUp(200));
    clock.advance(STALL_MS - 1);
    gate.push(line);
    await waitFor(caughtUp(201));
    assert.ok(!h.logs.some((l) => JSON.parse(l).event === "viewer_dropped"), "a burst is no stall");
    // The stuck viewer has taken nothing for the stall time now: the next append drops it.
    clock.advance(1);
    for (let i = 0; i < 199; i++) gate.push(line);
    gate.end();
    const events = await fast.done;
    const done = events[events.length - 1];
    assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "stop");
    assert.equal(run.log.panels.chat.length, 400 * line.length);
    await assert.rejects(stuck.text());
    const dropped = h.logs.filter((l) => JSON.parse(l).event === "viewer_dropped");
    assert.equal(dropped.length, 1);
  } finally {
    h.close();
  }
});

/** Reads an SSE body as it comes, counting the content characters received so far. */
function incrementalReader(response: Response) {
  const decoder = createSseDecoder();
  const events: SequencedEvent[] = [];
  let chars = 0;
  const done = (async () => {
    const reader = response.body!.getReader();
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      for (const message of decoder.push(step.value)) {
        const parsed = parseEvent(message.data);
        if (!parsed.ok || parsed.event.type === "heartbeat") continue;
        events.push(parsed.event);
        if (parsed.event.type === "content_chunk") chars += parsed.event.content.length;
      }
    }
    return events;
  })();
  return { done, chars: () => chars };
}

Deno.test("heartbeats go out every HEARTBEAT_MS without an id line", async () => {
  const clock = manualClock();
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider, config: { heartbeatMs: 1000 }, clock });
  try {
    const { runId } = await startChatRun(h.app);
    const response = await h.app.request(`/api/runs/${runId}/stream`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value) +
      decoder.decode((await reader.read()).value);
    clock.advance(1000);
    text += decoder.decode((await reader.read()).value);
    clock.advance(1000);
    text += decoder.decode((await reader.read()).value);
    const beat = `data: {"type":"heartbeat","runId":"${runId}","ts":${clock.now() - 1000}}\n\n`;
    assert.ok(
      text.endsWith(beat + beat.replace(String(clock.now() - 1000), String(clock.now()))),
      text,
    );
    await reader.cancel();
  } finally {
    h.close();
  }
});

Deno.test("registry cancels an orphaned run after the grace, but not one with a viewer", async () => {
  const clock = manualClock();
  const h = makeApp();
  const registry = new RunRegistry({
    clock,
    newId: () => "R".repeat(22),
    store: h.store,
    log: () => {},
    maxConcurrentRuns: 10,
    orphanGraceMs: 5000,
    runTtlMs: 1000,
    flushMs: 10,
    backlogBytes: 1 << 20,
  });
  try {
    const run = await registry.launch({ kind: "chat", plan: [] }, () => Promise.resolve());
    const holder = { position: () => 0, liveFrom: 0, stalledSince: () => undefined, drop() {} };
    clock.advance(4999);
    run.addViewer(holder);
    clock.advance(10_000);
    assert.equal(run.status, "running");
    run.removeViewer(holder);
    clock.advance(4999);
    assert.equal(run.status, "running");
    clock.advance(1);
    assert.equal(run.status, "cancelled");
    assert.ok(run.controller.signal.aborted);
    assert.equal(registry.get(run.info.id), run);
    clock.advance(1000);
    assert.notEqual(
      registry.get(run.info.id),
      run,
      "evicted after the TTL, then read from storage",
    );
    assert.equal(registry.get(run.info.id)?.status, "cancelled");
  } finally {
    registry.shutdown();
    h.close();
  }
});

Deno.test("run ids carry 128 random bits in the RunId alphabet", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { runId } = await startChatRun(h.app);
      assert.match(runId, /^[A-Za-z0-9_-]{22}$/);
      ids.add(runId);
    }
    assert.equal(ids.size, 20);
  } finally {
    h.close();
  }
});
