/**
 * Cases the catalog endpoints run the default workflow over: the demo's synthetic cases (invented
 * patients, no real patient data), or the JSON files of `CASES_DIR`. A case is an input of the
 * default workflow with an `id`, checked against that workflow's input schema at start-up.
 */
import akiNsaids from "./catalog/aki-nsaids.json" with { type: "json" };
import chestPainAcs from "./catalog/chest-pain-acs.json" with { type: "json" };
import dkaNewOnset from "./catalog/dka-new-onset.json" with { type: "json" };
import pediatricAsthma from "./catalog/pediatric-asthma.json" with { type: "json" };
import pneumoniaOlderAdult from "./catalog/pneumonia-older-adult.json" with { type: "json" };
import type { ClinicalCase } from "./clinical-case.ts";
import { type Workflow, WorkflowError } from "../workflows/definition.ts";

export type * from "./clinical-case.ts";

/** A case as stored: the default workflow's input, with its id. */
export type CaseRecord = Readonly<Record<string, unknown>> & { readonly id: string };

/** What the case list shows of each case: its id and title, and the summary fields it has. */
const LIST_FIELDS = ["id", "title", "patient", "chiefComplaint", "acuity"];

/** The cases by id, in display order. */
export interface CaseCatalog {
  list(): Record<string, unknown>[];
  get(id: string): CaseRecord | undefined;
}

// Frozen once, so every request can share them instead of copying a case per run.
const DEMO_CASES = [chestPainAcs, pneumoniaOlderAdult, dkaNewOnset, pediatricAsthma, akiNsaids]
  .map((entry) => deepFreeze(entry as ClinicalCase));

/** One of the demo's synthetic cases (frozen), or `undefined`: what the scripted model knows. */
export function getCase(id: string): ClinicalCase | undefined {
  return DEMO_CASES.find((entry) => entry.id === id);
}

/** The demo's synthetic cases. */
export function demoCases(): CaseRecord[] {
  return DEMO_CASES as unknown as CaseRecord[];
}

/** A catalog of cases, each checked against `workflow`'s input; throws WorkflowError naming one. */
export function caseCatalog(cases: readonly CaseRecord[], workflow: Workflow): CaseCatalog {
  for (const entry of cases) {
    const check = workflow.checkInput(entry);
    if (!check.ok) {
      const path = check.issues[0].path.replace(/^input\.?/, "") || "(case)";
      throw new WorkflowError(
        `Invalid case "${entry.id}": ${path}: does not match workflow "${workflow.id}"`,
      );
    }
  }
  return {
    // Copies: a caller's changes never reach the shared cases.
    list: () =>
      cases.map((entry) =>
        structuredClone(
          Object.fromEntries(LIST_FIELDS.filter((key) => key in entry).map((k) => [k, entry[k]])),
        )
      ),
    get: (id) => cases.find((entry) => entry.id === id),
  };
}

/** Reads every `*.json` file of a folder as a case, in name order; throws WorkflowError. */
export function readCaseDir(dir: string): CaseRecord[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)]
      .filter((entry) => entry.isFile && entry.name.endsWith(".json"))
      .map((entry) => entry.name)
      .sort();
  } catch {
    throw new WorkflowError(`Invalid CASES_DIR: "${dir}" (cannot read it)`);
  }
  return names.map((name) => {
    let value: unknown;
    try {
      value = JSON.parse(Deno.readTextFileSync(`${dir}/${name}`));
    } catch {
      throw new WorkflowError(`Invalid case file "${name}": not valid JSON`);
    }
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== "string" || !/^[a-z0-9-]{1,64}$/.test(id)) {
      throw new WorkflowError(`Invalid case file "${name}": id: must be 1–64 of a-z, 0-9 and -`);
    }
    return deepFreeze(value as CaseRecord);
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
