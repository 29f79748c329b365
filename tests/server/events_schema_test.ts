/**
 * The server builds its events by hand (typed, not parsed): these tests hold every event it logs
 * to the wire schema, exactly — a field the schema would strip or reject fails here.
 */
import assert from "node:assert/strict";
import { type SequencedEvent, StreamEvent } from "../../protocol/events.ts";
import { streamLostEvents } from "../../server/runs/stream-lost.ts";
import { type Harness, makeApp, readEvents } from "./harness.ts";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The events of a run exactly as the server logged them (not as a client decoded them). */
async function loggedEvents(h: Harness, response: Response): Promise<readonly SequencedEvent[]> {
  const [first] = await readEvents(response);
  const run = h.app.context.registry.get(first.runId);
  assert.ok(run, "the run is still in memory");
  return run.log.events;
}

function assertAllValid(events: readonly SequencedEvent[]): void {
  assert.ok(events.length > 0);
  for (const event of events) assert.deepEqual(StreamEvent.parse(event), event);
}

Deno.test("every event of a whole workflow run passes the StreamEvent schema unchanged", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request("/api/cases/aki-nsaids/workflow/start/stream");
    assertAllValid(await loggedEvents(h, response));
  } finally {
    h.close();
  }
});

Deno.test("every event of a chat run about a case passes the StreamEvent schema unchanged", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(
      "/api/chat/stream",
      json({ message: "What is the next step?", caseId: "aki-nsaids" }),
    );
    assertAllValid(await loggedEvents(h, response));
  } finally {
    h.close();
  }
});

Deno.test("the events of a failed run pass the StreamEvent schema unchanged", async () => {
  const h = makeApp({ config: { demoControls: true } });
  try {
    await h.app.request("/api/demo/faults", json({ fault: "fail", afterChars: 30 }));
    const events = await loggedEvents(
      h,
      await h.app.request("/api/cases/aki-nsaids/workflow/start/stream"),
    );
    assert.ok(events.some((e) => e.type === "error"));
    assertAllValid(events);
  } finally {
    h.close();
  }
});

Deno.test("the stream_lost pair passes the StreamEvent schema unchanged", () => {
  assertAllValid(streamLostEvents("unknown-run-0000", { ts: 1_700_000_000_000.5 }));
  assertAllValid(
    streamLostEvents("R".repeat(22), {
      ts: 1,
      panel: "reasoning",
      stage: "initial",
      panels: { reasoning: "Partial", chat: "" },
      chunkCount: 2,
    }),
  );
});
