import assert from "node:assert/strict";
import {
  apiBaseOf,
  batchRequestOf,
  caseIdOf,
  conversationUrl,
  rebase,
  runUrl,
  withLastEventId,
} from "../../widgets/connection/urls.ts";

Deno.test("apiBaseOf takes what precedes /api/", () => {
  assert.equal(
    apiBaseOf("https://llm.example.org/portal/api/cases/c1/workflow/start/stream"),
    "https://llm.example.org/portal",
  );
  assert.equal(apiBaseOf("/api/runs/x/stream"), "");
  assert.equal(apiBaseOf("/elsewhere"), "");
});

Deno.test("batchRequestOf maps a whole-workflow stream to the batch run endpoint", () => {
  assert.deepEqual(batchRequestOf("/api/cases/chest-pain/workflow/start/stream?x=1"), {
    url: "/api/cases/chest-pain/workflow/run",
    body: {},
  });
});

Deno.test("batchRequestOf maps a one-stage stream to the batch run endpoint with its stage", () => {
  assert.deepEqual(batchRequestOf("https://h/api/cases/c%201/workflow/stages/plan/stream"), {
    url: "https://h/api/cases/c%201/workflow/run",
    body: { stage: "plan" },
  });
});

Deno.test("batchRequestOf has nothing for a run attachment", () => {
  assert.equal(batchRequestOf("/api/runs/run_aaaaaaaaaaaaaaaa/stream"), undefined);
});

Deno.test("caseIdOf reads the case of a workflow URL only", () => {
  assert.equal(caseIdOf("/api/cases/dka-new-onset/workflow/start/stream"), "dka-new-onset");
  assert.equal(caseIdOf("/api/runs/r/stream"), undefined);
});

Deno.test("withLastEventId adds or replaces the query parameter", () => {
  assert.equal(withLastEventId("/api/runs/r/stream", "r.5"), "/api/runs/r/stream?lastEventId=r.5");
  assert.equal(withLastEventId("/s?a=1", "r.5"), "/s?a=1&lastEventId=r.5");
  assert.equal(withLastEventId("/s?lastEventId=r.2&a=1", "r.9"), "/s?a=1&lastEventId=r.9");
  assert.equal(withLastEventId("/s?a=1&lastEventId=r.2", "r.9"), "/s?a=1&lastEventId=r.9");
});

Deno.test("rebase prefixes root-relative URLs and keeps absolute ones", () => {
  assert.equal(
    rebase("/api/runs/r/stream", "https://h/portal"),
    "https://h/portal/api/runs/r/stream",
  );
  assert.equal(rebase("https://other/api/x", "https://h"), "https://other/api/x");
});

Deno.test("runUrl and conversationUrl encode the ids they are given", () => {
  assert.equal(runUrl("https://h", "run a/b"), "https://h/api/runs/run%20a%2Fb");
  assert.equal(runUrl("", "r1", { action: "stream" }), "/api/runs/r1/stream");
  assert.equal(runUrl("", "r1", { action: "cancel" }), "/api/runs/r1/cancel");
  assert.equal(conversationUrl("", "c/1"), "/api/conversations/c%2F1");
});
