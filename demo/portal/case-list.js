// @ts-check
/** The worklist: one button per case, the selected one marked in place. */
import { $, h } from "./dom.js";

/** @typedef {import("./api.js").CaseSummary} CaseSummary */

const ACUITY_LABELS = { emergent: "Emergent", urgent: "Urgent", routine: "Routine" };

/** The badge of an acuity. @param {CaseSummary["acuity"]} acuity */
export function acuityBadge(acuity) {
  return h("span", { class: `acuity acuity-${acuity}` }, ACUITY_LABELS[acuity] ?? acuity);
}

/** @param {string} sex */
function sexShort(sex) {
  return sex === "female" ? "F" : sex === "male" ? "M" : sex;
}

/**
 * Lists the cases; `onPick` runs with the id of the case a user picks.
 * @param {CaseSummary[]} cases @param {(id: string) => void} onPick
 */
export function renderCaseList(cases, onPick) {
  $("case-list").replaceChildren(
    ...cases.map((entry) => {
      const { patient } = entry;
      const button = h(
        "button",
        { type: "button", class: "case-item", "data-case": entry.id },
        h("span", { class: "case-name" }, patient.name),
        acuityBadge(entry.acuity),
        h(
          "span",
          { class: "case-meta" },
          `${patient.age} y · ${sexShort(patient.sex)} · ${patient.mrn}`,
        ),
        h("span", { class: "case-complaint" }, entry.chiefComplaint),
      );
      button.addEventListener("click", () => onPick(entry.id));
      return h("li", {}, button);
    }),
  );
  $("case-count").textContent = String(cases.length);
}

/**
 * Marks the selected case in place, so the button a keyboard user pressed keeps the focus.
 * @param {string | undefined} caseId
 */
export function markCurrentCase(caseId) {
  for (const button of $("case-list").querySelectorAll(".case-item")) {
    if (button.getAttribute("data-case") === caseId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

/** On a phone the worklist is a sideways strip: a case taking the focus scrolls fully into view. */
export function revealFocusedCase() {
  $("case-list").addEventListener("focusin", (event) => {
    /** @type {HTMLElement} */ (event.target).scrollIntoView({
      block: "nearest",
      inline: "nearest",
    });
  });
}
