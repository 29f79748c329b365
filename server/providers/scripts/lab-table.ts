import type { ClinicalCase } from "../../cases/cases.ts";

/** A markdown table of a case's results, lab names as code spans, abnormal flags in bold. */
export function labTable(clinicalCase: ClinicalCase): string {
  const rows = clinicalCase.labs.map(({ name, value, unit, flag }) =>
    `| \`${name}\` | ${unit ? `${value} ${unit}` : value} | ${flag ? `**${flag}**` : "normal"} |`
  );
  return ["| Test | Result | Flag |", "| --- | --- | --- |", ...rows].join("\n");
}
