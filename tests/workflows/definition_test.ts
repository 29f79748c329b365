/**
 * Workflow definition files: what a valid file gives, and the one line that names the file and
 * the field of a bad one (DESIGN.md §9).
 */
import assert from "node:assert/strict";
import { parseWorkflow, WorkflowError } from "../../server/workflows/definition.ts";
import { workflowCatalog } from "../../server/workflows/catalog.ts";
import { renderTemplate } from "../../server/workflows/templates.ts";

const FIXTURE = new URL("../fixtures/workflows/discharge-summary.json", import.meta.url);
const valid = () => JSON.parse(Deno.readTextFileSync(FIXTURE));

/** The one line parsing `definition` as `file.json` fails with. */
function failure(definition: unknown): string {
  try {
    parseWorkflow(
      typeof definition === "string" ? definition : JSON.stringify(definition),
      "file.json",
    );
  } catch (error) {
    assert.ok(error instanceof WorkflowError);
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  throw new Error("Expected the definition to be rejected");
}

Deno.test("parseWorkflow accepts the discharge summary and validates its input", () => {
  const workflow = parseWorkflow(JSON.stringify(valid()), "discharge-summary.json");
  assert.deepEqual(workflow.stages.map((stage) => [stage.id, stage.summary !== undefined]), [
    ["meds", false],
    ["letter", true],
  ]);
  const ok = workflow.checkInput({ patientName: "A", admissionReason: "B", medications: [] });
  assert.deepEqual(ok, {
    ok: true,
    input: { patientName: "A", admissionReason: "B", medications: [] },
  });
  assert.deepEqual(workflow.checkInput({ patientName: "A", medications: [] }), {
    ok: false,
    issues: [{ path: "input.admissionReason", code: "invalid_type" }],
  });
});

Deno.test("parseWorkflow names the file for text that is not JSON", () => {
  assert.equal(failure("{ nope"), 'Invalid workflow file "file.json": not valid JSON');
});

Deno.test("parseWorkflow names a missing or unknown field", () => {
  const { title: _title, ...untitled } = valid();
  assert.equal(
    failure(untitled),
    'Invalid workflow file "file.json": title: Invalid input: expected string, received undefined',
  );
  assert.equal(
    failure({ ...valid(), prompts: {} }),
    'Invalid workflow file "file.json": (file): Unrecognized key: "prompts"',
  );
  const stages = valid().stages;
  stages[0].analysis.temprature = 0.2;
  assert.equal(
    failure({ ...valid(), stages }),
    'Invalid workflow file "file.json": stages.0.analysis: Unrecognized key: "temprature"',
  );
});

Deno.test("parseWorkflow rejects an input schema keyword it does not support", () => {
  const definition = valid();
  definition.input.properties.ageYears.pattern = "^[0-9]+$";
  assert.equal(
    failure(definition),
    'Invalid workflow file "file.json": input.properties.ageYears: Unrecognized key: "pattern"',
  );
});

Deno.test("parseWorkflow rejects a required property the schema does not name", () => {
  const definition = valid();
  definition.input.required.push("ward");
  assert.equal(
    failure(definition),
    'Invalid workflow file "file.json": input.required: names "ward", which is not in properties',
  );
});

Deno.test("parseWorkflow rejects a repeated stage id", () => {
  const definition = valid();
  definition.stages[1].id = "meds";
  definition.stages[1].analysis.prompt = "Again";
  assert.equal(
    failure(definition),
    'Invalid workflow file "file.json": stages.1.id: repeats "meds"',
  );
});

Deno.test("parseWorkflow rejects a template naming an input property that does not exist", () => {
  const definition = valid();
  definition.stages[0].analysis.prompt = "Hello {{input.patient}}";
  assert.equal(
    failure(definition),
    'Invalid workflow file "file.json": stages.0.analysis.prompt: uses "input.patient", but the input has no property "patient"',
  );
});

Deno.test("parseWorkflow rejects a template naming a later stage or a summary that does not exist", () => {
  const later = valid();
  later.stages[0].analysis.prompt = "{{stages.letter.analysis}}";
  assert.match(
    failure(later),
    /stages\.0\.analysis\.prompt: uses "stages\.letter\.analysis", which is not an earlier stage's/,
  );
  const noSummary = valid();
  noSummary.stages[1].analysis.prompt = "{{stages.meds.summary}}";
  assert.match(failure(noSummary), /stages\.1\.analysis\.prompt: uses "stages\.meds\.summary"/);
});

Deno.test("parseWorkflow rejects a template with a syntax error or a bare name", () => {
  const broken = valid();
  broken.stages[0].analysis.prompt = "{{#input.medications}} unclosed";
  assert.match(
    failure(broken),
    /^Invalid workflow file "file\.json": stages\.0\.analysis\.prompt: Unclosed section/,
  );
  const bare = valid();
  bare.stages[0].analysis.prompt = "Dear {{patientName}}";
  assert.match(failure(bare), /uses "patientName": names start with "input\." or "stages\."/);
});

Deno.test("a summary may use its own stage's analysis", () => {
  const definition = valid();
  definition.stages[1].summary.prompt = "Shorten: {{stages.letter.analysis}}";
  assert.equal(parseWorkflow(JSON.stringify(definition), "file.json").id, "discharge-summary");
});

Deno.test("templates render without HTML escaping", () => {
  assert.equal(
    renderTemplate("{{input.a}} {{stages.s.analysis}}", {
      input: { a: "<b> & 'c'" },
      stages: { s: { analysis: "x < y" } },
    }),
    "<b> & 'c' x < y",
  );
});

Deno.test("workflowCatalog: a file replaces the built-in workflow of its id; an unknown default fails", () => {
  const replacement = parseWorkflow(
    JSON.stringify({ ...valid(), id: "clinical-review", title: "Ours" }),
    "ours.json",
  );
  assert.equal(workflowCatalog([replacement]).default.title, "Ours");
  assert.throws(
    () => workflowCatalog([], { defaultId: "nope" }),
    (error: Error) => error.message === 'Invalid DEFAULT_WORKFLOW: "nope" (no such workflow)',
  );
});
