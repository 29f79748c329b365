// @ts-check
/** The selected case's record: the patient banner and the chart summary. */
import { $, h } from "./dom.js";

/** @typedef {import("./api.js").ClinicalCase} ClinicalCase */

/**
 * Vital signs shown in the banner, with the ranges that flag an adult value as abnormal.
 * @param {ClinicalCase["vitals"]} vitals @param {number} age
 * @returns {[label: string, value: string | number, unit: string, abnormal: boolean][]}
 */
function vitalsOf(vitals, age) {
  const child = age < 12;
  const [systolic] = String(vitals.bloodPressure).split("/").map(Number);
  return [
    [
      "HR",
      vitals.heartRate,
      "/min",
      child ? vitals.heartRate > 120 : vitals.heartRate > 100 || vitals.heartRate < 50,
    ],
    ["BP", vitals.bloodPressure, "mmHg", systolic >= 160 || systolic < 90],
    [
      "RR",
      vitals.respiratoryRate,
      "/min",
      child ? vitals.respiratoryRate > 30 : vitals.respiratoryRate > 22,
    ],
    ["Temp", vitals.temperatureC, "°C", vitals.temperatureC >= 38 || vitals.temperatureC < 35.5],
    ["SpO₂", vitals.spo2, "%", vitals.spo2 < 94],
  ];
}

/** Shows the patient: who, allergies, vital signs. @param {ClinicalCase} detail */
export function renderBanner(detail) {
  const { patient } = detail;
  const allergies = detail.allergies ?? [];
  const none = allergies.length === 0 || allergies.every((a) => /no known/i.test(a));
  const allergyChip = none
    ? h("span", { class: "allergy allergy-none" }, "NKDA · no known drug allergies")
    : h("span", { class: "allergy allergy-present" }, `Allergy: ${allergies.join("; ")}`);
  const vitals = h(
    "dl",
    { class: "vitals", "aria-label": "Vital signs at presentation" },
    ...vitalsOf(detail.vitals, patient.age).map(([label, value, unit, abnormal]) =>
      h(
        "div",
        { class: abnormal ? "vital vital-abnormal" : "vital" },
        h("dt", {}, label),
        h(
          "dd",
          {},
          String(value),
          " ",
          h("small", {}, unit),
          abnormal && h("span", { class: "visually-hidden" }, " (abnormal)"),
        ),
      )
    ),
  );
  $("patient-banner").replaceChildren(
    h(
      "div",
      { class: "patient-id" },
      h("span", { class: "patient-name" }, patient.name),
      h(
        "span",
        { class: "patient-demo" },
        h("span", {}, h("b", {}, `${patient.age} y`), ` ${patient.sex}`),
        h("span", {}, "MRN ", h("b", {}, patient.mrn)),
        h("span", {}, "Weight ", h("b", {}, `${detail.vitals.weightKg} kg`)),
      ),
      allergyChip,
    ),
    vitals,
  );
}

/** Shows the chart: history, results, medications. @param {ClinicalCase} detail */
export function renderChart(detail) {
  const labs = h(
    "table",
    { class: "labs" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Test"),
        h("th", { scope: "col" }, "Result"),
        h("th", { scope: "col" }, "Unit"),
      ),
    ),
    h(
      "tbody",
      {},
      ...detail.labs.map((lab) =>
        h(
          "tr",
          {},
          h("td", {}, lab.name),
          h(
            "td",
            { class: lab.flag ? `lab-${lab.flag}` : undefined },
            lab.value,
            lab.flag &&
              h(
                "span",
                { class: "lab-flag" },
                ` ${lab.flag === "critical" ? "crit" : lab.flag === "high" ? "H" : "L"}`,
              ),
          ),
          h("td", {}, lab.unit),
        )
      ),
    ),
  );
  const flagged = detail.labs.filter((lab) => lab.flag);
  $("chart-hint").replaceChildren(
    flagged.length === 0
      ? "History, results, medications"
      : `${flagged.length} flagged result${flagged.length > 1 ? "s" : ""}: `,
    ...flagged.slice(0, 2).flatMap((lab, index) => [
      index > 0 ? ", " : "",
      h(
        "span",
        { class: lab.flag === "critical" ? "chart-flag" : undefined },
        `${lab.name} ${lab.value}${lab.unit ? ` ${lab.unit}` : ""}`,
      ),
    ]),
    flagged.length > 2 ? " …" : "",
  );
  $("chart-body").replaceChildren(
    h(
      "section",
      {},
      h("h2", {}, "History of present illness"),
      h("p", {}, detail.history.presentIllness),
      detail.notes && h("h2", {}, "Examination and notes"),
      detail.notes && h("p", {}, detail.notes),
    ),
    h("section", {}, h("h2", {}, "Results"), labs),
    h(
      "section",
      {},
      h("h2", {}, "Past medical history"),
      h("ul", {}, ...detail.history.pastMedical.map((item) => h("li", {}, item))),
      h("h2", {}, "Medications"),
      h("ul", {}, ...detail.medications.map((item) => h("li", {}, item))),
    ),
  );
}
