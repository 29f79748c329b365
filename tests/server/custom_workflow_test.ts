/**
 * A workflow of the caller's own (a two-stage discharge summary from a file, its first stage
 * without a summary) run through the real `openai` provider against the local OpenAI-compatible
 * test server: rendered prompts, the plan, the events, the result and the usage (DESIGN.md §9).
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createOpenAiProvider } from "../../server/providers/openai.ts";
import { readWorkflowDir, workflowCatalog } from "../../server/workflows/catalog.ts";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { type Harness, makeApp, panelText, readEvents, serve } from "./harness.ts";

const FIXTURES = new URL("../fixtures/workflows", import.meta.url).pathname;
const INPUT = {
  patientName: "Ada Byrne",
  ageYears: 71,
  admissionReason: "community-acquired pneumonia",
  medications: [
    { name: "Amoxicillin", dose: "500 mg three times daily", change: "new" },
    { name: "Ibuprofen", dose: "400 mg", change: "stopped" },
  ],
  followUp: "GP review in 7 days",
};
const MEDS = "Amoxicillin is new for 5 days. Ibuprofen stopped: kidney function.";
const LETTER = "Dear Dr Jones, Ms Byrne was admitted with pneumonia and is going home today.";
const SUMMARY = "Pneumonia treated; home on amoxicillin. Ibuprofen stopped.";

/** The fake upstream and a server whose catalog holds the fixture workflows. */
async function customRig(config = {}) {
  const fake = await startFakeOpenAi();
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: "test-key",
    model: "m",
    idleTimeoutMs: 2000,
  });
  const h: Harness = makeApp({
    provider,
    config,
    workflows: workflowCatalog(readWorkflowDir(FIXTURES)),
  });
  const server = await serve(h.app);
  return {
    fake,
    h,
    origin: server.origin,
    post: (path: string, body: unknown) =>
      fetch(`${server.origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    async close() {
      h.close();
      await server.close();
      await fake.close();
    },
  };
}

type Rig = Awaited<ReturnType<typeof customRig>>;

/** Queues the three completions of a discharge summary, each reporting its tokens. */
function queueReplies(r: Rig) {
  r.fake.enqueue({ content: MEDS, usage: { prompt_tokens: 100, completion_tokens: 20 } });
  r.fake.enqueue({ content: LETTER, usage: { prompt_tokens: 200, completion_tokens: 30 } });
  r.fake.enqueue({ content: SUMMARY, usage: { prompt_tokens: 250, completion_tokens: 15 } });
}

/** Starts a discharge summary through `POST /api/runs` and reads its stream to the end. */
async function runDischarge(r: Rig) {
  queueReplies(r);
  const response = await r.post("/api/runs", { workflow: "discharge-summary", input: INPUT });
  assert.equal(response.status, 201);
  const started = await response.json();
  const events = await readEvents(await fetch(`${r.origin}${started.streamUrl}`));
  return { started, events };
}

function messagesOf(r: Rig, index: number) {
  return (r.fake.requests[index].body as { messages: { role: string; content: string }[] })
    .messages;
}

Deno.test("custom workflow: the upstream receives the rendered templates, the input and the first stage's analysis", async () => {
  const r = await customRig();
  try {
    await runDischarge(r);
    assert.equal(r.fake.requests.length, 3);
    const system = {
      role: "system",
      content:
        "You write discharge documents for hospital clinicians. Use only the data given, be factual and brief, and say what is missing.",
    };
    assert.deepEqual(messagesOf(r, 0), [system, {
      role: "user",
      content: "Reconcile the discharge medications of Ada Byrne, admitted for " +
        "community-acquired pneumonia.\n\n- Amoxicillin 500 mg three times daily (new)\n" +
        "- Ibuprofen 400 mg (stopped)\n\nList every change and why it matters.",
    }]);
    const letterPrompt = {
      role: "user",
      content: `Write the discharge letter for Ada Byrne.\n\nMedication reconciliation:\n${MEDS}` +
        "\n\nFollow-up: GP review in 7 days",
    };
    assert.deepEqual(messagesOf(r, 1), [system, letterPrompt]);
    assert.deepEqual(messagesOf(r, 2), [system, letterPrompt, {
      role: "assistant",
      content: LETTER,
    }, {
      role: "user",
      content: "Summarise the letter for the patient's family doctor in two sentences.",
    }]);
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: each stage's model, temperature and token limit go upstream, else MAX_OUTPUT_TOKENS", async () => {
  const r = await customRig({ maxOutputTokens: 1500 });
  try {
    await runDischarge(r);
    const settings = r.fake.requests.map((request) => {
      const body = request.body as Record<string, unknown>;
      return [body.model, body.temperature, body.max_tokens, body.stream_options];
    });
    const usage = { include_usage: true };
    assert.deepEqual(settings, [
      ["m", 0.1, 800, usage],
      ["letter-model", undefined, 1500, usage],
      ["m", undefined, 1500, usage],
    ]);
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: the plan and the events follow the file", async () => {
  const r = await customRig();
  try {
    const { events } = await runDischarge(r);
    const start = events[0];
    assert.ok(start.type === "run_start");
    assert.deepEqual(start.metadata.stages, [
      { stage: "meds", panel: "reasoning", title: "Medication reconciliation" },
      { stage: "letter", panel: "reasoning", title: "Discharge letter" },
      { stage: "letter", panel: "chat", title: "Discharge letter" },
    ]);
    const marks = events.filter((e) => e.type === "stage_start" || e.type === "stage_complete")
      .map((e) =>
        `${e.type}:${e.panel}:${e.stage}:${e.metadata.stage_index}/${e.metadata.stage_count}`
      );
    assert.deepEqual(marks, [
      "stage_start:reasoning:meds:0/2",
      "stage_complete:reasoning:meds:0/2",
      "stage_start:reasoning:letter:1/2",
      "stage_complete:reasoning:letter:1/2",
      "stage_start:chat:letter:1/2",
      "stage_complete:chat:letter:1/2",
    ]);
    assert.equal(panelText(events, "reasoning"), MEDS + LETTER);
    assert.equal(panelText(events, "chat"), SUMMARY);
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: stream_done carries the usage the upstream reported", async () => {
  const r = await customRig();
  try {
    const { events } = await runDischarge(r);
    const done = events.at(-1) as SequencedEvent;
    assert.ok(done.type === "stream_done");
    assert.deepEqual(done.metadata.usage, { inputTokens: 550, outputTokens: 65 });
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: the result endpoint matches the streamed text", async () => {
  const r = await customRig();
  try {
    const { started, events } = await runDischarge(r);
    assert.equal(started.resultUrl, `/api/runs/${started.runId}/result`);
    const result = await (await fetch(`${r.origin}${started.resultUrl}`)).json();
    const done = events.at(-1)!;
    assert.ok(done.type === "stream_done");
    assert.deepEqual(result, {
      runId: started.runId,
      workflow: "discharge-summary",
      status: "complete",
      finishReason: "stop",
      stages: [
        { id: "meds", title: "Medication reconciliation", analysis: MEDS, summary: "" },
        { id: "letter", title: "Discharge letter", analysis: LETTER, summary: SUMMARY },
      ],
      digest: done.metadata.digest,
      usage: { inputTokens: 550, outputTokens: 65 },
      startedAt: events[0].ts,
      endedAt: done.ts,
    });
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: POST /api/runs/stream streams the run on the POST", async () => {
  const r = await customRig();
  try {
    queueReplies(r);
    const events = await readEvents(
      await r.post("/api/runs/stream", { workflow: "discharge-summary", input: INPUT }),
    );
    assert.equal(events[0].type, "run_start");
    assert.equal(panelText(events, "chat"), SUMMARY);
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: GET /api/workflows lists the built-in and the file's workflow", async () => {
  const r = await customRig();
  try {
    const body = await (await fetch(`${r.origin}/api/workflows`)).json();
    assert.equal(body.default, "clinical-review");
    const discharge = body.workflows.find((w: { id: string }) => w.id === "discharge-summary");
    assert.deepEqual(discharge.stages, [
      { id: "meds", title: "Medication reconciliation" },
      { id: "letter", title: "Discharge letter" },
    ]);
    assert.deepEqual(discharge.input.required, ["patientName", "admissionReason", "medications"]);
    assert.deepEqual(
      body.workflows.map((w: { id: string }) => w.id),
      ["clinical-review", "discharge-summary"],
    );
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: input that does not match the schema answers 400 with its issues", async () => {
  const r = await customRig();
  try {
    const response = await r.post("/api/runs", {
      workflow: "discharge-summary",
      input: { ...INPUT, ageYears: "71", medications: [{ name: "X" }], ward: "4B" },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.code, "invalid_request");
    assert.deepEqual(
      body.error.issues.map((issue: { path: string }) => issue.path).sort(),
      ["input.ageYears", "input.medications.0.dose", "input.ward"],
    );
    assert.equal(r.fake.requests.length, 0);
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: an input over MAX_INPUT_BYTES answers 413", async () => {
  const r = await customRig({ maxInputBytes: 2048 });
  try {
    const response = await r.post("/api/runs", {
      workflow: "discharge-summary",
      input: { ...INPUT, admissionReason: "x".repeat(1900), followUp: "y".repeat(400) },
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error.code, "invalid_request");
  } finally {
    await r.close();
  }
});

Deno.test("custom workflow: an unknown workflow or stage answers 404", async () => {
  const r = await customRig();
  try {
    const workflow = await r.post("/api/runs", { workflow: "no-such", input: {} });
    assert.equal(workflow.status, 404);
    const stage = await r.post("/api/runs", {
      workflow: "discharge-summary",
      input: INPUT,
      stages: ["meds", "nope"],
    });
    assert.equal(stage.status, 404);
    await workflow.body?.cancel();
    await stage.body?.cancel();
  } finally {
    await r.close();
  }
});
