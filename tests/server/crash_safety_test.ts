/**
 * Crash safety: a live run's partial text is checkpointed as it grows (at once, then at most once
 * per CHECKPOINT_MS), so that a process that dies mid-run leaves, after a restart on the same
 * database, the partial reply in its conversation with status `error`, a status probe that says
 * `error`, and viewers resuming it answered `stream_lost`.
 */
import assert from "node:assert/strict";
import { CHECKPOINT_MS } from "../../server/runs/checkpoints.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import type { RunCheckpoint, Store } from "../../server/storage/store.ts";
import {
  gatedProvider,
  makeApp,
  manualClock,
  readEvents,
  startChatRun,
  waitFor,
} from "./harness.ts";

/** A store that records every checkpoint it is asked to save. */
function recording(store: Store): Store & { saved: RunCheckpoint[] } {
  const saved: RunCheckpoint[] = [];
  return Object.assign(Object.create(store) as Store, {
    saved,
    checkpointRun(checkpoint: RunCheckpoint) {
      saved.push(structuredClone(checkpoint));
      store.checkpointRun(checkpoint);
    },
  });
}

Deno.test("checkpoints: saved at a run's start, then at most once per interval however many events", async () => {
  const clock = manualClock();
  const gate = gatedProvider();
  const store = recording(openSqliteStore(":memory:"));
  const h = makeApp({ provider: gate.provider, clock, store });
  try {
    const { runId } = await startChatRun(h.app);
    assert.equal(store.saved.length, 1);
    const run = h.app.context.registry.get(runId)!;
    for (let i = 0; i < 200; i++) gate.push("Serum potassium 5.9 mmol/L. ");
    await waitFor(() => run.log.panels.chat.length >= 200 * 28 - 10);
    assert.ok(run.log.length > 500, `${run.log.length} events`);
    assert.equal(store.saved.length, 1);
    clock.advance(CHECKPOINT_MS);
    assert.equal(store.saved.length, 2);
    assert.deepEqual(store.saved[1].panels, run.log.panels);
    assert.equal(store.saved[1].lastSeq, run.log.lastSeq);
    // Nothing new, nothing saved.
    clock.advance(10 * CHECKPOINT_MS);
    assert.equal(store.saved.length, 2);
    // A normal end saves the whole log and drops the checkpoint.
    gate.end();
    await run.done;
    assert.equal(store.loadLostRun(runId), undefined);
    assert.equal(store.recoverInterruptedRuns({ now: 0, newId: () => "x" }), 0);
  } finally {
    h.close();
    store.close();
  }
});

Deno.test("crash: after a restart on the same database the partial reply is kept with status error", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/stream-widgets.db`;
  const clock = manualClock();
  const gate = gatedProvider();
  // The first process is never shut down: it dies as far as its database knows.
  const first = makeApp({ provider: gate.provider, clock, store: openSqliteStore(path) });
  try {
    const { runId, conversationId } = await startChatRun(first.app, "Potassium?");
    const run = first.app.context.registry.get(runId)!;
    gate.push("Potassium is high; ", "repeat the ECG ");
    // The tail waits for the idle flush, which this clock fires before the checkpoint is due.
    await waitFor(() => run.log.panels.chat.startsWith("Potassium is high;"));
    clock.advance(CHECKPOINT_MS);
    assert.equal(run.log.panels.chat, "Potassium is high; repeat the ECG ");
    const lastSeq = run.log.lastSeq;

    for (let restart = 0; restart < 2; restart++) {
      const next = makeApp({ store: openSqliteStore(path), clock });
      try {
        const conversation = await (await next.app.request(`/api/conversations/${conversationId}`))
          .json();
        assert.deepEqual(
          conversation.messages.map((m: { role: string; content: string; status: string }) => [
            m.role,
            m.content,
            m.status,
          ]),
          [["user", "Potassium?", "complete"], [
            "assistant",
            "Potassium is high; repeat the ECG ",
            "error",
          ]],
        );
        const probe = await next.app.request(`/api/runs/${runId}`);
        assert.equal(probe.status, 200);
        assert.deepEqual(await probe.json(), {
          runId,
          kind: "chat",
          status: "error",
          lastSeq,
          panels: { reasoning: "", chat: "Potassium is high; repeat the ECG " },
          error: {
            code: "stream_lost",
            message: "This stream is no longer available; please retry",
          },
        });
        const resumed = await readEvents(
          await next.app.request(`/api/runs/${runId}/stream`, {
            headers: { "last-event-id": `${runId}.${lastSeq - 1}` },
          }),
        );
        assert.deepEqual(resumed.map((e) => [e.type, e.seq]), [["error", 0], ["stream_done", 0]]);
        assert.equal(
          resumed[0].type === "error" && resumed[0].metadata.error_code,
          "stream_lost",
        );
      } finally {
        next.close();
        next.store.close();
      }
    }
  } finally {
    first.close();
    first.store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
