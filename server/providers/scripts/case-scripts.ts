/** The scripted model's texts, by case id. */
import { akiNsaidsScript } from "./aki-nsaids.ts";
import type { CaseScript } from "./case-script.ts";
import { chestPainAcsScript } from "./chest-pain-acs.ts";
import { dkaNewOnsetScript } from "./dka-new-onset.ts";
import { pediatricAsthmaScript } from "./pediatric-asthma.ts";
import { pneumoniaOlderAdultScript } from "./pneumonia-older-adult.ts";

const SCRIPTS: Readonly<Record<string, CaseScript>> = {
  "chest-pain-acs": chestPainAcsScript,
  "pneumonia-older-adult": pneumoniaOlderAdultScript,
  "dka-new-onset": dkaNewOnsetScript,
  "pediatric-asthma": pediatricAsthmaScript,
  "aki-nsaids": akiNsaidsScript,
};

/** The script of a case, or `undefined` when the case has none. */
export function caseScript(caseId: string): CaseScript | undefined {
  return Object.hasOwn(SCRIPTS, caseId) ? SCRIPTS[caseId] : undefined;
}
