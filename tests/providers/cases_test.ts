import assert from "node:assert/strict";
import { caseCatalog, demoCases, getCase } from "../../server/cases/cases.ts";
import { workflowCatalog } from "../../server/workflows/catalog.ts";

const catalog = caseCatalog(demoCases(), workflowCatalog().default);
const listCases = () =>
  catalog.list() as { id: string; title: string; patient: { mrn: string; name: string } }[];

Deno.test("listCases lists synthetic cases with valid, unique ids", () => {
  const cases = listCases();
  assert.ok(cases.length >= 4 && cases.length <= 6);
  for (const entry of cases) {
    assert.match(entry.id, /^[a-z0-9-]{1,64}$/);
    assert.match(entry.patient.mrn, /^MRN-SYN-\d+$/);
  }
  assert.equal(new Set(cases.map((entry) => entry.id)).size, cases.length);
});

Deno.test("listCases returns summaries without the clinical detail", () => {
  const [first] = listCases();
  assert.deepEqual(Object.keys(first).sort(), [
    "acuity",
    "chiefComplaint",
    "id",
    "patient",
    "title",
  ]);
});

Deno.test("getCase returns the whole case for every listed id", () => {
  for (const { id, title } of listCases()) {
    const found = getCase(id);
    assert.equal(found?.title, title);
    assert.ok(found.labs.length > 0);
    assert.ok(found.history.presentIllness.length > 0);
  }
});

Deno.test("getCase answers undefined for an unknown id", () => {
  assert.equal(getCase("no-such-case"), undefined);
  assert.equal(getCase("__proto__"), undefined);
});

Deno.test("callers cannot change the catalog through getCase or listCases", () => {
  assert.throws(() => {
    getCase("aki-nsaids")!.labs.length = 0;
  }, TypeError);
  assert.throws(() => {
    (getCase("aki-nsaids")!.labs[0] as { value: unknown }).value = "changed";
  }, TypeError);
  listCases()[0].patient.name = "Changed";
  assert.ok(getCase("aki-nsaids")!.labs.length > 0);
  assert.notEqual(listCases()[0].patient.name, "Changed");
});
