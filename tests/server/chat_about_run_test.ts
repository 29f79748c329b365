/**
 * Chat about a run (`runId` in the chat body, DESIGN.md §9): the model sees that run's input and
 * stage results, in user messages; the scripted model answers from the run's own text.
 */
import assert from "node:assert/strict";
import { fastScripted, makeApp, panelText, readEvents } from "./harness.ts";
import { follow, rig } from "./openai-rig.ts";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("chat about a run sends the model the run's input and stage results as user text", async () => {
  const r = await rig();
  try {
    r.fake.enqueue({ content: "Creatinine doubled after ibuprofen." });
    r.fake.enqueue({ content: "Her kidneys took a hit from the ibuprofen." });
    const stage = await follow(r, "/api/cases/aki-nsaids/workflow/stages/extraction/stream");
    const runId = stage[0].runId;
    r.fake.enqueue({ content: "Stop it." });
    const started = await (await fetch(
      `${r.origin}/api/chat/messages`,
      json({
        message: "Should the ibuprofen stop?",
        runId,
      }),
    )).json();
    await follow(r, started.streamUrl);
    const { messages } = r.fake.requests[2].body as {
      messages: { role: string; content: string }[];
    };
    assert.deepEqual(messages.map((m) => m.role), ["system", "user", "user"]);
    assert.match(messages[0].content, /^You are a clinical decision-support assistant/);
    assert.doesNotMatch(messages[0].content, /ibuprofen/i);
    const context = messages[1].content;
    assert.match(context, /^# Results of the workflow "Clinical case review"/);
    assert.match(context, /"id": "aki-nsaids"/);
    assert.match(
      context,
      /## Stage: Data extraction\n\n### Analysis\n\nCreatinine doubled after ibuprofen\./,
    );
    assert.match(context, /### Summary\n\nHer kidneys took a hit from the ibuprofen\.$/);
    assert.deepEqual(messages[2], { role: "user", content: "Should the ibuprofen stop?" });
  } finally {
    await r.close();
  }
});

Deno.test("chat about a run answers 404 for an unknown run or one that is not a workflow", async () => {
  const h = makeApp();
  try {
    const unknown = await h.app.request(
      "/api/chat/messages",
      json({ message: "Hi", runId: "AAAAAAAAAAAAAAAAAAAAAA" }),
    );
    assert.equal(unknown.status, 404);
    const chat = await (await h.app.request("/api/chat/messages", json({ message: "Hi" }))).json();
    await readEvents(await h.app.request(chat.streamUrl));
    const aboutChat = await h.app.request(
      "/api/chat/messages",
      json({ message: "Hi", runId: chat.runId }),
    );
    assert.equal(aboutChat.status, 404);
    assert.equal((await aboutChat.json()).error.code, "not_found");
  } finally {
    h.close();
  }
});

Deno.test("the scripted model answers a follow-up from the run's own text", async () => {
  const h = makeApp({ provider: fastScripted() });
  try {
    const analysis = await readEvents(
      await h.app.request("/api/cases/chest-pain-acs/workflow/start/stream"),
    );
    const runId = analysis[0].runId;
    const started = await (await h.app.request(
      "/api/chat/messages",
      json({ message: "What is his GRACE score?", runId, caseId: "chest-pain-acs" }),
    )).json();
    const reply = panelText(await readEvents(await h.app.request(started.streamUrl)), "chat");
    assert.equal(
      reply,
      [
        "From the **Differential diagnosis** stage of this analysis:",
        "",
        "- GRACE · ~128 · intermediate risk",
        "- The GRACE estimate supports an **early invasive strategy within 24 hours**. Immediate angiography (< 2 h) would be warranted only for refractory pain, haemodynamic instability, arrhythmia or acute heart failure.",
        "- This is an NSTEMI until something says otherwise. Dissection is the one alternative I'd still want to actively rule out — check both arm pressures before we anticoagulate. His GRACE score puts him in the group that benefits from angiography within 24 hours.",
        "",
        "These come straight from the results above; check them against the chart.",
      ].join("\n"),
    );
    assert.doesNotMatch(reply, /I can go through the/);
    const start = await (await h.app.request(`/api/runs/${started.runId}`)).json();
    assert.equal(start.kind, "chat");
  } finally {
    h.close();
  }
});
