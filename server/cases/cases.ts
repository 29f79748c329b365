/** The demo's synthetic clinical cases: invented patients, no real patient data. */
import type { CaseSummary, ClinicalCase } from "./clinical-case.ts";
import { akiNsaids } from "./catalog/aki-nsaids.ts";
import { chestPainAcs } from "./catalog/chest-pain-acs.ts";
import { dkaNewOnset } from "./catalog/dka-new-onset.ts";
import { pediatricAsthma } from "./catalog/pediatric-asthma.ts";
import { pneumoniaOlderAdult } from "./catalog/pneumonia-older-adult.ts";

export type * from "./clinical-case.ts";

const CASES: readonly ClinicalCase[] = [
  chestPainAcs,
  pneumoniaOlderAdult,
  dkaNewOnset,
  pediatricAsthma,
  akiNsaids,
];

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

/** One whole case, or `undefined` for an unknown id. */
export function getCase(id: string): ClinicalCase | undefined {
  const found = CASES.find((entry) => entry.id === id);
  return found && structuredClone(found);
}
