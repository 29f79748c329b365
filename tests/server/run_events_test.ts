/** The long-poll endpoint `GET /api/runs/:runId/events` (DESIGN.md §10). */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import {
  gatedProvider,
  type Harness,
  makeApp,
  manualClock,
  readEvents,
  startChatRun,
  waitFor,
} from "./harness.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";

interface Answer {
  status: number;
  cacheControl: string | null;
  body: { events: SequencedEvent[]; done: boolean; error?: { code: string } };
}

async function poll(h: Harness, runId: string, query = ""): Promise<Answer> {
  const response = await h.app.request(`/api/runs/${runId}/events${query}`);
  return {
    status: response.status,
    cacheControl: response.headers.get("cache-control"),
    body: await response.json(),
  };
}

Deno.test("events answers a finished run's events after the cursor, then done", async () => {
  const h = makeApp();
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const runId = all[0].runId;
    const answer = await poll(h, runId, `?after=${runId}.5`);
    assert.equal(answer.status, 200);
    assert.equal(answer.cacheControl, "no-store");
    assert.deepEqual(answer.body, { events: all.slice(5), done: true });
    const fromStart = await poll(h, runId);
    assert.deepEqual(fromStart.body, { events: all, done: true });
    const atEnd = await poll(h, runId, `?after=${runId}.${all.length}&wait=25000`);
    assert.deepEqual(atEnd.body, { events: [], done: true });
  } finally {
    h.close();
  }
});

Deno.test("events reads a live run poll by poll with no gap and no duplicate", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const { runId } = await startChatRun(h.app);
    const seen: SequencedEvent[] = [];
    let done = false;
    let sent = 0;
    while (!done) {
      const pending = poll(h, runId, `?after=${runId}.${seen.at(-1)?.seq ?? 0}&wait=5000`);
      if (sent < 3) gate.push(`word${sent++} `);
      else gate.end();
      const answer = await pending;
      assert.equal(answer.status, 200);
      seen.push(...answer.body.events);
      done = answer.body.done;
    }
    assert.deepEqual(seen.map((event) => event.seq), seen.map((_, index) => index + 1));
    const streamed = await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    assert.deepEqual(seen, streamed);
  } finally {
    h.close();
  }
});

Deno.test("events waits for the next event and answers as soon as it is logged", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const { runId } = await startChatRun(h.app);
    const run = h.app.context.registry.get(runId)!;
    await waitFor(() => run.log.length >= 2);
    let answered = false;
    const pending = poll(h, runId, `?after=${runId}.${run.log.lastSeq}&wait=20000`).then((a) => {
      answered = true;
      return a;
    });
    await waitFor(() => run.viewerCount === 1);
    assert.equal(answered, false, "a waiting poll is a viewer, and waits");
    gate.push("Hello ");
    const answer = await pending;
    assert.equal(answer.body.done, false);
    assert.equal(answer.body.events[0].seq, run.log.lastSeq - answer.body.events.length + 1);
    assert.equal(run.viewerCount, 0);
    gate.end();
  } finally {
    h.close();
  }
});

Deno.test("events answers with no events once the wait is over", async () => {
  const clock = manualClock();
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider, clock });
  try {
    const { runId } = await startChatRun(h.app);
    const run = h.app.context.registry.get(runId)!;
    await waitFor(() => run.log.length >= 2);
    const pending = poll(h, runId, `?after=${runId}.${run.log.lastSeq}&wait=3000`);
    // Its deadline is set from the clock once it waits, which it does as a viewer.
    await waitFor(() => run.viewerCount === 1);
    clock.advance(2999);
    await Promise.resolve();
    assert.equal(run.viewerCount, 1);
    clock.advance(1);
    assert.deepEqual((await pending).body, { events: [], done: false });
    gate.end();
  } finally {
    h.close();
  }
});

Deno.test("events answers a lost run as 404 stream_lost: unknown, foreign cursor, cursor ahead", async () => {
  const h = makeApp();
  try {
    const all = await readEvents(await h.app.request(STAGE));
    const runId = all[0].runId;
    const other = (await readEvents(await h.app.request(STAGE)))[0].runId;
    for (
      const query of [
        ["UnknownRun0000000000", ""],
        [runId, `?after=${other}.1`],
        [runId, `?after=${runId}.${all.length + 1}`],
      ]
    ) {
      const answer = await poll(h, query[0], query[1]);
      assert.equal(answer.status, 404, query.join(""));
      assert.equal(answer.body.error?.code, "stream_lost");
    }
  } finally {
    h.close();
  }
});

Deno.test("events rejects a query that is not valid with 400 and its issues", async () => {
  const h = makeApp();
  try {
    const runId = (await readEvents(await h.app.request(STAGE)))[0].runId;
    for (
      const [query, path] of [
        ["?wait=25001", "wait"],
        ["?wait=-1", "wait"],
        ["?wait=soon", "wait"],
        ["?after=nope", "after"],
        ["?since=1", "since"],
      ]
    ) {
      const response = await h.app.request(`/api/runs/${runId}/events${query}`);
      assert.equal(response.status, 400, query);
      const body = await response.json();
      assert.equal(body.error.code, "invalid_request");
      assert.deepEqual(body.error.issues.map((issue: { path: string }) => issue.path), [path]);
    }
  } finally {
    h.close();
  }
});

Deno.test("events answers 503 streaming_disabled while streaming is off", async () => {
  const h = makeApp({ config: { streamingEnabled: false } });
  try {
    const answer = await poll(h, "UnknownRun0000000000");
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error?.code, "streaming_disabled");
  } finally {
    h.close();
  }
});
