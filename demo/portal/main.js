// @ts-check
/**
 * CaseView, the demo portal. Plain ES modules that talk to the API and to the elements' public
 * surface only: attributes, methods, `provider.view` and the `stream-*` events.
 */
import { logActivity, showEmptyActivity } from "./activity.js";
import { api, workflowUrl } from "./api.js";
import { signedIn, signIn } from "./clinicians.js";
import { acuityBadge, markCurrentCase, renderCaseList, revealFocusedCase } from "./case-list.js";
import { renderBanner, renderChart } from "./case-record.js";
import { $, h } from "./dom.js";
import { followReasoning, PHONE } from "./follow-reasoning.js";
import { refreshHealth } from "./health.js";
import { setupLab } from "./lab.js";
import { provider } from "./provider.js";
import { setupAuditReplay } from "./replay.js";
import { beginWork, followRuns, setSecondViewer } from "./run-events.js";
import { clearWork, renderStrip, setNote } from "./status-strip.js";
import { expectAnalysis, expectWorkflow } from "./stepper.js";
import { setupTheme } from "./theme.js";

/** @typedef {import("./api.js").CaseSummary} CaseSummary */

const analyseButton = /** @type {HTMLButtonElement} */ ($("analyse"));

/** The worklist, and the case shown. */
const page = {
  cases: /** @type {CaseSummary[]} */ ([]),
  caseId: /** @type {string | undefined} */ (undefined),
  /** Counts case selections, so a record loaded for an older click is dropped. */
  caseRequest: 0,
};

/**
 * Shows a case. `fresh` means the user picked it: the provider is reset and pointed at the case,
 * so a follow-up question names it even before the first analysis.
 * @param {string} id @param {{fresh: boolean}} options
 */
async function selectCase(id, { fresh }) {
  const request = ++page.caseRequest;
  page.caseId = id;
  markCurrentCase(id);
  const summary = page.cases.find((entry) => entry.id === id);
  if (summary) {
    $("case-acuity").replaceChildren(acuityBadge(summary.acuity));
    $("case-title").textContent = summary.title;
    $("case-complaint").textContent = summary.chiefComplaint;
  }
  if (fresh) {
    provider.reset();
    provider.setAttribute("src", workflowUrl(id));
    expectAnalysis();
    clearWork();
    setSecondViewer(undefined);
  }
  analyseButton.disabled = false;
  const detail = await api(`/api/cases/${encodeURIComponent(id)}`);
  if (request !== page.caseRequest) return;
  renderBanner(detail);
  renderChart(detail);
}

function analyse() {
  const caseId = page.caseId;
  if (!caseId) return;
  beginWork({ fromElements: false });
  // This is an analysis, whatever ran before: show its stages from the start.
  expectAnalysis();
  const name = page.cases.find((entry) => entry.id === caseId)?.patient.name ?? caseId;
  logActivity(`Analysis started for ${name}`);
  provider.start(workflowUrl(caseId));
}

/** A run another viewer started may be of another case: show that one. @param {string} caseId */
function showRunCase(caseId) {
  if (caseId !== page.caseId && page.cases.some((entry) => entry.id === caseId)) {
    void selectCase(caseId, { fresh: false });
  }
}

async function main() {
  showEmptyActivity();
  const clinician = signedIn();
  if (clinician) {
    signIn(clinician);
    $("model-badge").after(
      h("span", { class: "model-badge", id: "signed-in" }, `Signed in: ${clinician.name}`),
    );
  }
  if (PHONE.matches) {
    /** @type {HTMLDetailsElement} */ ($("chart")).open = false;
  }
  await Promise.all([refreshHealth(), customElements.whenDefined("stream-provider")]);
  const [{ cases }, workflows] = await Promise.all([api("/api/cases"), api("/api/workflows")]);
  page.cases = cases;
  // The analysis runs the default workflow: show its stages before any run.
  const analysis = workflows.workflows.find((/** @type {{id: string}} */ w) =>
    w.id === workflows.default
  );
  if (analysis) {
    expectWorkflow(analysis.stages);
    renderStrip();
  }
  renderCaseList(page.cases, (id) => selectCase(id, { fresh: true }));
  markCurrentCase(page.caseId);
  const runId = new URLSearchParams(location.search).get("run");
  if (runId) {
    // Second viewer: follow a run another tab started, without starting anything.
    beginWork({ fromElements: false });
    setNote(
      "Following a live run opened from another viewer. Both tabs read the same run.",
      "info",
    );
    logActivity(`Attached to run ${runId}`);
    provider.attach(runId);
  } else if (page.cases[0]) {
    await selectCase(page.cases[0].id, { fresh: true });
  }
}

setupTheme();
revealFocusedCase();
analyseButton.addEventListener("click", analyse);
followRuns({ onRunCase: showRunCase });
followReasoning();
setupLab();
setupAuditReplay();

main().catch((error) => {
  $("patient-banner").replaceChildren(
    h("p", { class: "banner-placeholder" }, `The case service is unavailable: ${error.message}`),
  );
});
