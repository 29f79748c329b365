import assert from "node:assert/strict";
import { demoCases } from "../../server/cases/cases.ts";
import { ProviderError } from "../../server/providers/provider.ts";
import type { CompletionRequest } from "../../server/providers/provider.ts";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import { scriptedText } from "../../server/providers/scripted-text.ts";
import { workflowCatalog } from "../../server/workflows/catalog.ts";
import { splitTokens } from "../../server/providers/token-split.ts";
import { collect, textOf } from "./collect.ts";

const instant = () => Promise.resolve();
const WORKFLOW_STAGES = workflowCatalog().default.stages.map(({ id }) => ({ stage: id }));

function recordingSleep() {
  const calls: number[] = [];
  let time = 0;
  const sleep = (ms: number) => {
    calls.push(ms);
    time += ms;
    return Promise.resolve();
  };
  return { calls, sleep, now: () => time };
}

function analysisRequest(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    purpose: "analysis",
    stage: "diagnosis",
    caseId: "chest-pain-acs",
    history: [],
    messages: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

function chatRequest(message: string, signal = new AbortController().signal): CompletionRequest {
  return {
    purpose: "chat",
    stage: "reply",
    caseId: "dka-new-onset",
    history: [{ role: "user", content: message }],
    messages: [],
    signal,
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

Deno.test("scripted provider streams exactly scriptedText for every case, stage and purpose", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 400, sleep: instant });
  for (const { id } of demoCases()) {
    for (const { stage } of WORKFLOW_STAGES) {
      for (const purpose of ["analysis", "summary"] as const) {
        const request = analysisRequest({ caseId: id, stage, purpose });
        const { deltas, finish } = await collect(provider.stream(request));
        assert.equal(finish, "stop");
        assert.equal(textOf(deltas, "answer"), scriptedText(request).answer);
        assert.equal(textOf(deltas, "reasoning"), "");
      }
    }
  }
});

Deno.test("scripted provider splits a request the same way every time", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 400, sleep: instant });
  const first = await collect(provider.stream(analysisRequest()));
  const second = await collect(provider.stream(analysisRequest()));
  assert.deepEqual(second.deltas, first.deltas);
});

Deno.test("scripted tokens are 1 to 6 code points and some end mid-word", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 400, sleep: instant });
  const { deltas } = await collect(provider.stream(analysisRequest()));
  for (const { text } of deltas) {
    const length = Array.from(text).length;
    assert.ok(
      length >= 1 && length <= 6,
      `token ${JSON.stringify(text)} has ${length} code points`,
    );
  }
  const midWord = deltas.some((delta, i) =>
    /[a-z]$/i.test(delta.text) && /^[a-z]/i.test(deltas[i + 1]?.text ?? "")
  );
  assert.ok(midWord);
});

Deno.test("splitTokens never splits a surrogate pair and loses nothing", () => {
  const text = "🫀🩺💊 ok 🧪".repeat(40);
  for (let seed = 0; seed < 20; seed++) {
    const tokens = splitTokens(text, seed);
    assert.equal(tokens.join(""), text);
    for (const token of tokens) assert.doesNotMatch(token, LONE_SURROGATE);
  }
});

Deno.test("scripted provider waits firstTokenMs, then each token's length at charsPerSec", async () => {
  const { calls, sleep, now } = recordingSleep();
  const provider = createScriptedProvider({ charsPerSec: 200, firstTokenMs: 400, sleep, now });
  const { deltas } = await collect(provider.stream(analysisRequest()));
  assert.equal(calls.length, deltas.length);
  assert.equal(calls[0], 400);
  deltas.slice(1).forEach((delta, i) => {
    assert.equal(calls[i + 1], Array.from(delta.text).length * 5);
  });
});

Deno.test("scripted provider applies a new pace to the next token", async () => {
  const { calls, sleep, now } = recordingSleep();
  const provider = createScriptedProvider({ charsPerSec: 100, firstTokenMs: 0, sleep, now });
  const stream = provider.stream(analysisRequest());
  await stream.next();
  const second = await stream.next();
  provider.setCharsPerSec(1000);
  const third = await stream.next();
  assert.ok(!second.done && !third.done);
  assert.equal(calls[1], Array.from(second.value.text).length * 10);
  assert.equal(calls[2], Array.from(third.value.text).length * 1);
});

Deno.test("scripted fail fault throws upstream_error after exactly that many characters", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0, sleep: instant });
  provider.armFault({ kind: "fail", afterChars: 123 });
  const { deltas, error } = await collect(provider.stream(analysisRequest()));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.code, "upstream_error");
  const full = Array.from(scriptedText(analysisRequest()).answer);
  assert.equal(textOf(deltas, "answer"), full.slice(0, 123).join(""));
});

Deno.test("scripted fault is consumed by one stream only", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0, sleep: instant });
  provider.armFault({ kind: "fail", afterChars: 10 });
  const failed = provider.stream(analysisRequest());
  const clean = await collect(provider.stream(analysisRequest()));
  assert.equal(clean.finish, "stop");
  assert.ok((await collect(failed)).error instanceof ProviderError);
});

Deno.test("scripted rate_limit fault throws rate_limited before any output or wait", async () => {
  const { calls, sleep, now } = recordingSleep();
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 400, sleep, now });
  provider.armFault({ kind: "rate_limit" });
  const { deltas, error } = await collect(provider.stream(analysisRequest()));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.code, "rate_limited");
  assert.deepEqual(deltas, []);
  assert.deepEqual(calls, []);
});

Deno.test("scripted stall fault goes silent after that many characters until aborted", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0, sleep: instant });
  provider.armFault({ kind: "stall", afterChars: 40 });
  const controller = new AbortController();
  const stream = provider.stream(analysisRequest({ signal: controller.signal }));
  let received = "";
  while (Array.from(received).length < 40) {
    const next = await stream.next();
    assert.ok(!next.done);
    received += next.value.text;
  }
  let settled = false;
  const pending = stream.next().finally(() => (settled = true));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(settled, false);
  const reason = new Error("cancelled by test");
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  assert.equal(received, Array.from(scriptedText(analysisRequest()).answer).slice(0, 40).join(""));
});

Deno.test("scripted provider throws the abort reason at once, even mid-wait", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 60_000 });
  const controller = new AbortController();
  const stream = provider.stream(analysisRequest({ signal: controller.signal }));
  const pending = stream.next();
  const startedAt = performance.now();
  controller.abort();
  await assert.rejects(
    pending,
    (error) => error instanceof DOMException && error.name === "AbortError",
  );
  assert.ok(performance.now() - startedAt < 100);
});

Deno.test("scripted chat reply streams reasoning before the answer", async () => {
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0, sleep: instant });
  const request = chatRequest("What insulin dose should we start?");
  const { deltas, finish } = await collect(provider.stream(request));
  assert.equal(finish, "stop");
  const firstAnswer = deltas.findIndex((delta) => delta.channel === "answer");
  assert.ok(firstAnswer > 0);
  assert.ok(deltas.slice(firstAnswer).every((delta) => delta.channel === "answer"));
  const expected = scriptedText(request);
  assert.equal(textOf(deltas, "reasoning"), expected.reasoning);
  assert.equal(textOf(deltas, "answer"), expected.answer);
});

Deno.test("scripted chat routes the last user message to a topic", () => {
  const answer = (message: string) => scriptedText(chatRequest(message)).answer;
  assert.match(answer("What insulin dose should we start?"), /^### Medications\n- Levothyroxine/);
  assert.match(
    answer("Can you go over the labs?"),
    /^### Results that matter\n- `Glucose` 486 mg\/dL/,
  );
  assert.match(answer("What else could this be?"), /^The leading diagnosis is \*\*severe diabetic/);
  assert.match(answer("Should she go to the ICU?"), /^Admit to a high-dependency bed/);
  assert.match(answer("What's the plan?"), /^### Next steps for Maya Castellanos\n1\. /);
  assert.match(
    answer("Thanks"),
    /^For \*\*Maya Castellanos\*\* \(22-year-old female, `MRN-SYN-100689`\)/,
  );
});

Deno.test("scripted chat without a case asks for the clinical details", () => {
  const { answer } = scriptedText({
    purpose: "chat",
    stage: "reply",
    history: [{ role: "user", content: "What dose of aspirin?" }],
    messages: [],
  });
  assert.match(answer, /^No case is attached to this conversation/);
  assert.match(answer, /medications and allergies/);
});

Deno.test("scripted workflow texts are clinical markdown of the documented sizes", () => {
  for (const { id } of demoCases()) {
    let fenced = false;
    for (const { stage } of WORKFLOW_STAGES) {
      const analysis =
        scriptedText({ purpose: "analysis", stage, caseId: id, history: [], messages: [] }).answer;
      const summary =
        scriptedText({ purpose: "summary", stage, caseId: id, history: [], messages: [] }).answer;
      const where = `${id}/${stage}`;
      assert.ok(analysis.length >= 1000 && analysis.length <= 2500, `${where}: ${analysis.length}`);
      assert.ok(summary.length >= 250 && summary.length <= 500, `${where}: ${summary.length}`);
      // Headings inside the stage; the stage's own title is the section's, never repeated.
      assert.match(analysis, /^### /m, where);
      assert.doesNotMatch(analysis, /^## /m, where);
      assert.match(analysis, /^(- |\d+\. )/m, where);
      assert.match(analysis, /\*\*[^*]+\*\*/, where);
      assert.match(analysis, /`[^`\n]+`/, where);
      assert.doesNotMatch(summary, /^#|^- /m, where);
      fenced ||= /^```/m.test(analysis);
    }
    const extraction = scriptedText({
      purpose: "analysis",
      stage: "extraction",
      caseId: id,
      history: [],
      messages: [],
    }).answer;
    assert.match(extraction, /^\| Test \| Result \| Flag \|\n\| --- \| --- \| --- \|$/m, id);
    assert.ok(fenced, `${id} has a fenced block`);
  }
});

Deno.test("scripted provider rejects a pace that is not a positive number", () => {
  assert.throws(() => createScriptedProvider({ charsPerSec: 0, firstTokenMs: 0 }), RangeError);
  const provider = createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0 });
  for (const pace of [-1, Number.NaN, Infinity]) {
    assert.throws(() => provider.setCharsPerSec(pace), RangeError);
  }
});
