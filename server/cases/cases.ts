/** The demo's synthetic clinical cases: invented patients, no real patient data. */
import type { CaseSummary, ClinicalCase } from "./clinical-case.ts";
import { akiNsaids } from "./catalog/aki-nsaids.ts";
import { chestPainAcs } from "./catalog/chest-pain-acs.ts";
import { dkaNewOnset } from "./catalog/dka-new-onset.ts";
import { pediatricAsthma } from "./catalog/pediatric-asthma.ts";
import { pneumoniaOlderAdult } from "./catalog/pneumonia-older-adult.ts";

export type * from "./clinical-case.ts";

// Frozen once, so every request can share them instead of copying a case per run.
const CASES: readonly ClinicalCase[] = [
  chestPainAcs,
  pneumoniaOlderAdult,
  dkaNewOnset,
  pediatricAsthma,
  akiNsaids,
].map(deepFreeze);

/** Every case, in display order, as list entries. */
export function listCases(): CaseSummary[] {
  return CASES.map(({ id, title, patient, chiefComplaint, acuity }) => ({
    id,
    title,
    patient: { ...patient },
    chiefComplaint,
    acuity,
  }));
}

/** One whole case (frozen), or `undefined` for an unknown id. */
export function getCase(id: string): ClinicalCase | undefined {
  return CASES.find((entry) => entry.id === id);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
