import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import {
  fastScripted,
  gatedProvider,
  makeApp,
  readEvents,
  startChatRun,
  waitFor,
} from "./harness.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";

/** Counts the provider's completions, to prove a request started none. */
function countingScripted() {
  const provider = fastScripted();
  let calls = 0;
  const stream = provider.stream.bind(provider);
  provider.stream = (request) => {
    calls++;
    return stream(request);
  };
  return { provider, calls: () => calls };
}

const withCursor = (cursor: string) => ({ headers: { "last-event-id": cursor } });

Deno.test("resume from every cursor of a finished run sends exactly the rest", async () => {
  const h = makeApp();
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const runId = all[0].runId;
    for (let k = 0; k <= all.length; k++) {
      const rest = await readEvents(
        await h.app.request(`/api/runs/${runId}/stream`, withCursor(`${runId}.${k}`)),
      );
      assert.deepEqual(rest, all.slice(k), `cursor ${k}`);
    }
  } finally {
    h.close();
  }
});

Deno.test("resume on the starting endpoint replays the same run without a new model call", async () => {
  const { provider, calls } = countingScripted();
  const h = makeApp({ provider });
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const before = calls();
    const runId = all[0].runId;
    const rest = await readEvents(await h.app.request(STAGE, withCursor(`${runId}.5`)));
    assert.deepEqual(rest, all.slice(5));
    assert.equal(calls(), before);
  } finally {
    h.close();
  }
});

Deno.test("resume reads the cursor from the lastEventId query, and the header wins over it", async () => {
  const h = makeApp();
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const runId = all[0].runId;
    const byQuery = await readEvents(
      await h.app.request(`/api/runs/${runId}/stream?lastEventId=${runId}.7`),
    );
    assert.deepEqual(byQuery, all.slice(7));
    const both = await readEvents(
      await h.app.request(
        `/api/runs/${runId}/stream?lastEventId=${runId}.7`,
        withCursor(`${runId}.3`),
      ),
    );
    assert.deepEqual(both, all.slice(3));
  } finally {
    h.close();
  }
});

Deno.test("resume from cursors of a live run joins the log and live events with no gap or duplicate", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const { runId } = await startChatRun(h.app);
    const run = h.app.context.registry.get(runId)!;
    const first = readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    gate.push("Creatinine ", "is rising ", "steadily ");
    await waitFor(() => run.log.lastSeq >= 5);
    const atSeam = run.log.lastSeq;
    const late = [1, 3, atSeam].map(async (k) => ({
      k,
      events: await readEvents(
        await h.app.request(`/api/runs/${runId}/stream`, withCursor(`${runId}.${k}`)),
      ),
    }));
    await waitFor(() => run.viewerCount === 4);
    gate.push("over two days; ", "hold the ibuprofen.");
    gate.end();
    const all = await first;
    assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i + 1));
    const done = all[all.length - 1];
    assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "stop");
    for (const resumed of await Promise.all(late)) {
      assert.deepEqual(resumed.events, all.slice(resumed.k), `cursor ${resumed.k}`);
    }
  } finally {
    h.close();
  }
});

Deno.test("two and ten viewers of one run receive identical sequences", async () => {
  for (const count of [2, 10]) {
    const gate = gatedProvider();
    const h = makeApp({ provider: gate.provider });
    try {
      const { runId } = await startChatRun(h.app);
      const readers: Promise<SequencedEvent[]>[] = [];
      for (let i = 0; i < count; i++) {
        readers.push(readEvents(await h.app.request(`/api/runs/${runId}/stream`)));
      }
      for (const word of ["The ", "patient ", "needs ", "fluids ", "and ", "monitoring."]) {
        gate.push(word);
      }
      gate.end();
      const sequences = await Promise.all(readers);
      assert.ok(sequences[0].length > 5);
      for (const sequence of sequences) assert.deepEqual(sequence, sequences[0]);
    } finally {
      h.close();
    }
  }
});

/** Asserts a response is exactly the in-band stream_lost answer (for `runId`, when given). */
async function assertStreamLost(response: Response, runId?: string) {
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await response.text();
  assert.ok(!text.includes("id:"), "no id line");
  const events = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) =>
    JSON.parse(l.slice(6))
  );
  assert.equal(events.length, 2);
  assert.deepEqual([events[0].type, events[0].seq, events[0].metadata], [
    "error",
    0,
    { error_code: "stream_lost", retry_available: true },
  ]);
  assert.deepEqual([events[1].type, events[1].seq, events[1].metadata.finish_reason], [
    "stream_done",
    0,
    "error",
  ]);
  if (runId !== undefined) assert.deepEqual(events.map((e) => e.runId), [runId, runId]);
}

Deno.test("unknown, malformed and foreign cursors answer stream_lost and start no model call", async () => {
  const { provider, calls } = countingScripted();
  const h = makeApp({ provider });
  try {
    const stageRun = (await readEvents(await h.app.request(STAGE)))[0].runId;
    const { runId: chatRun } = await startChatRun(h.app);
    await readEvents(await h.app.request(`/api/runs/${chatRun}/stream`));
    const before = calls();
    const unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    const cases: [string, string][] = [
      [STAGE, `${unknown}.3`],
      [STAGE, "not a cursor"],
      [STAGE, `${stageRun}.x`],
      [STAGE, `${stageRun}.99999`],
      [STAGE, `${chatRun}.2`],
      ["/api/cases/dka-new-onset/workflow/stages/initial/stream", `${stageRun}.2`],
      ["/api/cases/aki-nsaids/workflow/stages/plan/stream", `${stageRun}.2`],
      ["/api/cases/aki-nsaids/workflow/start/stream", `${stageRun}.2`],
      [`/api/runs/${chatRun}/stream`, `${stageRun}.2`],
      [`/api/runs/${unknown}/stream`, `${unknown}.1`],
    ];
    for (const [url, cursor] of cases) {
      await assertStreamLost(await h.app.request(url, withCursor(cursor)));
    }
    await assertStreamLost(await h.app.request(`/api/runs/${unknown}/stream`));
    // A cursor that does not parse, or names another run: the answer is about the run asked for.
    for (const cursor of ["garbage", `${stageRun}.1`]) {
      await assertStreamLost(
        await h.app.request(`/api/runs/${unknown}/stream`, withCursor(cursor)),
        unknown,
      );
    }
    await assertStreamLost(await h.app.request(`/api/runs/bad!id/stream`));
    await assertStreamLost(
      await h.app.request("/api/chat/stream", {
        method: "POST",
        headers: { "content-type": "application/json", "last-event-id": `${stageRun}.1` },
        body: JSON.stringify({ message: "x" }),
      }),
    );
    assert.equal(calls(), before);
  } finally {
    h.close();
  }
});
