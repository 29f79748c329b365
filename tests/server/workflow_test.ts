import assert from "node:assert/strict";
import { StreamEvent } from "../../protocol/events.ts";
import { scriptedText } from "../../server/providers/scripted-text.ts";
import { sha256Hex } from "../../server/runs/digest.ts";
import { workflowCatalog } from "../../server/workflows/catalog.ts";
import { makeApp, panelText, readEvents, readSse } from "./harness.ts";

const CASE = "aki-nsaids";
/** The built-in workflow's stages, as the catalog endpoints run them. */
const WORKFLOW_STAGES = workflowCatalog().default.stages.map(({ id, title }) => ({
  stage: id,
  title,
}));
const START = `/api/cases/${CASE}/workflow/start/stream`;

/** The text the scripted model produces for each panel of a whole workflow of CASE. */
function expectedPanels() {
  let reasoning = "";
  let chat = "";
  for (const { stage } of WORKFLOW_STAGES) {
    const analysis = scriptedText({
      purpose: "analysis",
      stage,
      caseId: CASE,
      history: [],
      messages: [],
    });
    reasoning += analysis.reasoning + analysis.answer;
    chat += scriptedText({
      purpose: "summary",
      stage,
      caseId: CASE,
      history: [],
      messages: [],
      analysis: analysis.answer,
    }).answer;
  }
  return { reasoning, chat };
}

/** The run's event types with runs of chunks collapsed, e.g. `stage_start:reasoning:initial`. */
function shape(events: readonly { type: string; panel: string; stage: string }[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const token = `${e.type}:${e.panel}:${e.stage}`;
    if (e.type === "content_chunk" && out[out.length - 1] === token) continue;
    out.push(token);
  }
  return out;
}

Deno.test("workflow stream starts with the retry line and the SSE headers", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(START);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "no-store, no-transform");
    assert.equal(response.headers.get("x-accel-buffering"), "no");
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.equal(first, "retry: 1000\n\n");
    await reader.cancel();
  } finally {
    h.close();
  }
});

Deno.test("workflow run emits every stage in order, each event valid against the schema", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(await h.app.request(START));
    for (const event of events) StreamEvent.parse(event);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
    const expected = ["run_start:reasoning:initial"];
    for (const { stage } of WORKFLOW_STAGES) {
      for (const panel of ["reasoning", "chat"]) {
        expected.push(`stage_start:${panel}:${stage}`, `content_chunk:${panel}:${stage}`);
        expected.push(`stage_complete:${panel}:${stage}`);
      }
    }
    expected.push("stream_done:chat:plan");
    assert.deepEqual(shape(events), expected);
    const runIds = new Set(events.map((e) => e.runId));
    assert.equal(runIds.size, 1);
    assert.match([...runIds][0], /^[A-Za-z0-9_-]{22}$/);
  } finally {
    h.close();
  }
});

Deno.test("workflow run_start lists the 8-entry plan and stage events count 4 stages", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(await h.app.request(START));
    const start = events[0];
    assert.equal(start.type, "run_start");
    if (start.type !== "run_start") return;
    assert.deepEqual(start.metadata, {
      kind: "workflow",
      case_id: CASE,
      stages: WORKFLOW_STAGES.flatMap(({ stage, title }) => [
        { stage, panel: "reasoning", title },
        { stage, panel: "chat", title },
      ]),
    });
    const starts = events.filter((e) => e.type === "stage_start");
    assert.deepEqual(
      starts.map((e) =>
        e.type === "stage_start" &&
        [e.metadata.stage_index, e.metadata.stage_count, e.metadata.title]
      ),
      WORKFLOW_STAGES.flatMap(({ title }, i) => [[i, 4, title], [i, 4, title]]),
    );
  } finally {
    h.close();
  }
});

Deno.test("workflow chunks are 1-10 characters and concatenate to the model's text per panel", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(await h.app.request(START));
    const chunks = events.filter((e) => e.type === "content_chunk");
    for (const chunk of chunks) assert.ok(chunk.content.length >= 1 && chunk.content.length <= 10);
    const expected = expectedPanels();
    assert.equal(panelText(events, "reasoning"), expected.reasoning);
    assert.equal(panelText(events, "chat"), expected.chat);
  } finally {
    h.close();
  }
});

Deno.test("workflow chunk_index counts per stage and panel, matching stage_complete", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(await h.app.request(START));
    const counts = new Map<string, number>();
    for (const e of events) {
      const key = `${e.stage}/${e.panel}`;
      if (e.type === "content_chunk") {
        assert.equal(e.metadata.chunk_index, counts.get(key) ?? 0);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (e.type === "stage_complete") assert.equal(e.metadata.chunk_count, counts.get(key));
    }
  } finally {
    h.close();
  }
});

Deno.test("workflow stream_done carries the SHA-256 digest of each panel and the chunk count", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(await h.app.request(START));
    const done = events[events.length - 1];
    assert.equal(done.type, "stream_done");
    if (done.type !== "stream_done") return;
    assert.deepEqual(done.metadata, {
      finish_reason: "stop",
      chunk_count: events.filter((e) => e.type === "content_chunk").length,
      digest: {
        reasoning: sha256Hex(panelText(events, "reasoning")),
        chat: sha256Hex(panelText(events, "chat")),
      },
    });
  } finally {
    h.close();
  }
});

Deno.test("workflow stage endpoint runs one stage with a 2-entry plan", async () => {
  const h = makeApp();
  try {
    const events = await readEvents(
      await h.app.request(`/api/cases/${CASE}/workflow/stages/diagnosis/stream`),
    );
    assert.deepEqual(shape(events), [
      "run_start:reasoning:diagnosis",
      "stage_start:reasoning:diagnosis",
      "content_chunk:reasoning:diagnosis",
      "stage_complete:reasoning:diagnosis",
      "stage_start:chat:diagnosis",
      "content_chunk:chat:diagnosis",
      "stage_complete:chat:diagnosis",
      "stream_done:chat:diagnosis",
    ]);
    const start = events[0];
    assert.ok(start.type === "run_start" && start.metadata.stages.length === 2);
  } finally {
    h.close();
  }
});

Deno.test("workflow batch endpoint returns every stage's text as JSON", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(`/api/cases/${CASE}/workflow/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    const expected = expectedPanels();
    assert.equal(body.status, "complete");
    assert.equal(body.kind, "workflow");
    assert.equal(body.panels.reasoning, expected.reasoning);
    assert.equal(body.panels.chat, expected.chat);
    assert.deepEqual(
      body.stages.map((s: { stage: string }) => s.stage),
      WORKFLOW_STAGES.map((s) => s.stage),
    );
    assert.equal(body.stages.map((s: { chat: string }) => s.chat).join(""), expected.chat);
    const status = await (await h.app.request(`/api/runs/${body.runId}`)).json();
    assert.equal(status.status, "complete");
  } finally {
    h.close();
  }
});

Deno.test("workflow batch endpoint runs one stage when asked", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(`/api/cases/${CASE}/workflow/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ stage: "plan" }),
    });
    const body = await response.json();
    assert.deepEqual(body.stages.map((s: { stage: string }) => s.stage), ["plan"]);
  } finally {
    h.close();
  }
});

Deno.test("workflow retry line reflects the configured value", async () => {
  const h = makeApp({ config: { retryMs: 2500 } });
  try {
    const { retry } = await readSse(await h.app.request(START));
    assert.equal(retry, 2500);
  } finally {
    h.close();
  }
});
