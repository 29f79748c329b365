// CaseView, the demo portal. A plain ES module that talks to the API and to the elements' public
// surface only: attributes, methods and the `stream-*` events of <stream-provider>.

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const provider = /** @type {any} */ ($("provider"));
const analyseButton = /** @type {HTMLButtonElement} */ ($("analyse"));
const secondViewer = /** @type {HTMLAnchorElement} */ ($("second-viewer"));
const strip = $("status-strip");

/** Default plan shown before the first run names its stages. */
const WORKFLOW_STAGES = [
  { stage: "initial", title: "Initial assessment" },
  { stage: "extraction", title: "Data extraction" },
  { stage: "diagnosis", title: "Differential diagnosis" },
  { stage: "plan", title: "Management plan" },
];

const STATUS_LABELS = {
  idle: "Ready",
  connecting: "Connecting …",
  streaming: "Streaming",
  reconnecting: "Reconnecting …",
  done: "Complete",
  error: "Interrupted",
  cancelled: "Stopped",
};

const ACUITY_LABELS = { emergent: "Emergent", urgent: "Urgent", routine: "Routine" };

/** What the portal tracks about the page and the run it shows. */
const portal = {
  cases: /** @type {any[]} */ ([]),
  caseId: /** @type {string | undefined} */ (undefined),
  /** The case selected by the user last; a loaded case from an older click is dropped. */
  caseRequest: 0,
  health: /** @type {{provider?: string, streaming?: boolean} | undefined} */ (undefined),
  run: freshRun(),
  elapsedTimer: /** @type {number | undefined} */ (undefined),
};

/** Per-run bookkeeping for the status strip. */
function freshRun() {
  return {
    runId: /** @type {string | undefined} */ (undefined),
    kind: /** @type {string | undefined} */ (undefined),
    startedAt: 0,
    firstTokenMs: /** @type {number | undefined} */ (undefined),
    endedAt: /** @type {number | undefined} */ (undefined),
    lastSeq: 0,
    reconnects: 0,
    /** seq the stream had reached when the connection dropped, to show where it resumed. */
    droppedAt: /** @type {number | undefined} */ (undefined),
    batch: false,
    plan: WORKFLOW_STAGES.map((entry) => ({ ...entry, panels: ["reasoning", "chat"] })),
    /** stage → panels completed */
    completed: new Map(),
    active: /** @type {string | undefined} */ (undefined),
    activePanel: /** @type {string | undefined} */ (undefined),
    verified: /** @type {boolean | undefined} */ (undefined),
    /** Started from inside the elements (Retry, a follow-up question), not by this page. */
    fromElements: false,
  };
}

// ---- Small DOM helpers -------------------------------------------------------------------

/**
 * Creates an element. Text children become text nodes, so case data is never parsed as HTML.
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...(Node | string | undefined | false)} children
 */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** @param {string} path @param {RequestInit} [init] */
async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = body?.error?.message ?? `HTTP ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status, code: body?.error?.code });
  }
  return body;
}

/** @param {string} path @param {unknown} body */
function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// ---- Activity log ------------------------------------------------------------------------

/** @param {string} text @param {"info" | "warn" | "error" | "ok"} [tone] */
function logActivity(text, tone = "info") {
  const list = $("activity-log");
  list.querySelector(".activity-empty")?.remove();
  const now = new Date();
  const stamp = now.toTimeString().slice(0, 8);
  list.append(
    h("li", { "data-tone": tone }, h("time", { datetime: now.toISOString() }, stamp), text),
  );
  while (list.children.length > 60) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}

// ---- Theme -------------------------------------------------------------------------------

const themeButton = /** @type {HTMLButtonElement} */ ($("theme-toggle"));
const darkQuery = matchMedia("(prefers-color-scheme: dark)");

function storedTheme() {
  try {
    return localStorage.getItem("caseview-theme");
  } catch {
    return null;
  }
}

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const dark = theme ? theme === "dark" : darkQuery.matches;
  themeButton.setAttribute("aria-pressed", String(dark));
}

themeButton.addEventListener("click", () => {
  const dark = themeButton.getAttribute("aria-pressed") !== "true";
  const theme = dark ? "dark" : "light";
  try {
    localStorage.setItem("caseview-theme", theme);
  } catch {
    // Private windows may refuse storage; the toggle still works for this page.
  }
  applyTheme(theme);
});
darkQuery.addEventListener("change", () => applyTheme(storedTheme()));
applyTheme(storedTheme());

// ---- Cases -------------------------------------------------------------------------------

function acuityBadge(acuity) {
  return h("span", { class: `acuity acuity-${acuity}` }, ACUITY_LABELS[acuity] ?? acuity);
}

function sexShort(sex) {
  return sex === "female" ? "F" : sex === "male" ? "M" : sex;
}

function renderCaseList() {
  const list = $("case-list");
  list.replaceChildren(
    ...portal.cases.map((entry) => {
      const { patient } = entry;
      const button = h(
        "button",
        {
          type: "button",
          class: "case-item",
          "data-case": entry.id,
        },
        h("span", { class: "case-name" }, patient.name),
        acuityBadge(entry.acuity),
        h(
          "span",
          { class: "case-meta" },
          `${patient.age} y · ${sexShort(patient.sex)} · ${patient.mrn}`,
        ),
        h("span", { class: "case-complaint" }, entry.chiefComplaint),
      );
      button.addEventListener("click", () => selectCase(entry.id, { fresh: true }));
      return h("li", {}, button);
    }),
  );
  $("case-count").textContent = String(portal.cases.length);
  markCurrentCase();
}

/** Marks the selected case in place, so the button a keyboard user pressed keeps the focus. */
function markCurrentCase() {
  for (const button of $("case-list").querySelectorAll(".case-item")) {
    const current = button.getAttribute("data-case") === portal.caseId;
    if (current) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

// On a phone the worklist is a sideways strip: a case taking the focus scrolls fully into view.
$("case-list").addEventListener("focusin", (event) => {
  /** @type {HTMLElement} */ (event.target).scrollIntoView({ block: "nearest", inline: "nearest" });
});

/** Vital signs shown in the banner, with the ranges that flag an adult value as abnormal. */
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

function renderBanner(detail) {
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

function renderChart(detail) {
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

/**
 * Shows a case. `fresh` means the user picked it: the provider is reset and pointed at the case,
 * so a follow-up question names it even before the first analysis.
 * @param {string} id @param {{fresh: boolean}} options
 */
async function selectCase(id, { fresh }) {
  const request = ++portal.caseRequest;
  portal.caseId = id;
  markCurrentCase();
  const summary = portal.cases.find((entry) => entry.id === id);
  if (summary) {
    $("case-acuity").replaceChildren(acuityBadge(summary.acuity));
    $("case-title").textContent = summary.title;
    $("case-complaint").textContent = summary.chiefComplaint;
  }
  if (fresh) {
    provider.reset();
    provider.setAttribute("src", workflowUrl(id));
    portal.run = freshRun();
    setSecondViewer(undefined);
    renderStrip("idle");
  }
  analyseButton.disabled = false;
  const detail = await api(`/api/cases/${encodeURIComponent(id)}`);
  if (request !== portal.caseRequest) return;
  renderBanner(detail);
  renderChart(detail);
}

function workflowUrl(caseId) {
  return `/api/cases/${encodeURIComponent(caseId)}/workflow/start/stream`;
}

// ---- Status strip ------------------------------------------------------------------------

function stepState(entry) {
  const run = portal.run;
  const done = run.completed.get(entry.stage)?.size ?? 0;
  if (done > 0 && done >= entry.panels.length) return "done";
  if (entry.stage === run.active) {
    const status = strip.dataset.status;
    if (status === "error" || status === "cancelled") return status;
    return "active";
  }
  return "pending";
}

const STEP_STATE_TEXT = {
  pending: "Waiting",
  active: "In progress",
  done: "Done",
  error: "Interrupted",
  cancelled: "Stopped",
};

function renderStepper() {
  const run = portal.run;
  $("stepper").replaceChildren(
    ...run.plan.map((entry, index) => {
      const state = stepState(entry);
      const panelNote = state === "active" && run.activePanel
        ? (run.activePanel === "chat" ? "Summarising" : "Analysing")
        : STEP_STATE_TEXT[state];
      return h(
        "li",
        {
          class: "step",
          "data-state": state,
          "aria-current": state === "active" ? "step" : undefined,
        },
        h("span", { class: "step-title" }, entry.title),
        h(
          "span",
          { class: "step-state" },
          run.plan.length > 1 ? `${index + 1} · ${panelNote}` : panelNote,
        ),
      );
    }),
  );
}

/** @param {string} status */
function renderStrip(status) {
  strip.dataset.status = status;
  const run = portal.run;
  let label = STATUS_LABELS[status] ?? status;
  if (status === "done" && run.verified) label = "Complete · verified";
  if (status === "connecting" && run.batch) label = "Waiting for the batch result …";
  $("status-label").textContent = label;
  $("metric-ttft").textContent = run.firstTokenMs === undefined ? "—" : formatMs(run.firstTokenMs);
  const end = run.endedAt ?? performance.now();
  $("metric-elapsed").textContent = run.startedAt ? formatMs(end - run.startedAt) : "—";
  $("metric-delivery").textContent = !run.startedAt
    ? "—"
    : run.batch
    ? "Batch fallback"
    : run.reconnects > 0
    ? `Streaming · resumed ${run.reconnects}×`
    : "Streaming";
  renderStepper();
}

/**
 * Shows (or clears) the note under the strip. The note is added to a live region that is always
 * there, so screen readers announce it.
 * @param {string | undefined} text @param {"warn" | "ok" | "info"} [tone]
 */
function setNote(text, tone = "warn") {
  $("status-notes").replaceChildren(
    ...(text ? [h("p", { class: "status-note", id: "status-note", "data-tone": tone }, text)] : []),
  );
}

function tickElapsed(active) {
  clearInterval(portal.elapsedTimer);
  portal.elapsedTimer = active
    ? setInterval(() => renderStrip(strip.dataset.status ?? "idle"), 200)
    : undefined;
}

function setSecondViewer(runId) {
  if (runId) {
    secondViewer.href = `/?run=${encodeURIComponent(runId)}`;
    secondViewer.removeAttribute("aria-disabled");
  } else {
    secondViewer.removeAttribute("href");
    secondViewer.setAttribute("aria-disabled", "true");
  }
}

/**
 * Work is about to start: reset the run's figures. The stepper keeps the previous run's shape until
 * the new run's `run_start` names its plan (a retry or a follow-up starts from the elements).
 */
function beginWork() {
  const plan = portal.run.plan.map((step) => ({ ...step, panels: [...step.panels] }));
  portal.run = freshRun();
  portal.run.plan = plan;
  portal.run.startedAt = performance.now();
  portal.run.batch = portal.health?.streaming === false;
  // An armed fault belongs to the next run, which this is.
  for (const card of document.querySelectorAll(".scenario[data-armed]")) {
    card.removeAttribute("data-armed");
  }
  delete strip.dataset.finish;
  delete strip.dataset.verified;
  delete strip.dataset.runId;
  setNote(
    portal.run.batch
      ? "Streaming is off: the widgets ask for the whole answer in one request, so nothing shows until it is complete."
      : undefined,
    "info",
  );
  tickElapsed(true);
  renderStrip("connecting");
}

function analyse() {
  if (!portal.caseId) return;
  beginWork();
  // This is a workflow, whatever ran before: show its four stages from the start.
  portal.run.plan = freshRun().plan;
  logActivity(
    `Analysis started for ${
      portal.cases.find((c) => c.id === portal.caseId)?.patient.name ?? portal.caseId
    }`,
  );
  provider.start(workflowUrl(portal.caseId));
}

analyseButton.addEventListener("click", analyse);

// ---- Provider events ---------------------------------------------------------------------

provider.addEventListener("stream-status", (event) => {
  const { status } = event;
  // New work started from inside the elements (a follow-up question, Retry) also resets the figures.
  if (status === "connecting" && strip.dataset.status !== "connecting") {
    beginWork();
    portal.run.fromElements = true;
  }
  const run = portal.run;
  if (status === "reconnecting" && strip.dataset.status !== "reconnecting") {
    run.reconnects++;
    run.droppedAt = run.lastSeq;
    setNote(`Connection lost after event #${run.lastSeq}. Reconnecting to resume from there …`);
    logActivity(`Connection lost after event #${run.lastSeq}; reconnecting`, "warn");
  }
  if (status === "streaming" && run.droppedAt !== undefined) {
    setNote(
      `Resumed from event #${run.droppedAt}: the server replayed what was missed, then went on live.`,
      "info",
    );
    logActivity(
      `Resumed from event #${run.droppedAt} (cursor ${run.runId}.${run.droppedAt})`,
      "ok",
    );
    run.droppedAt = undefined;
  }
  if (status === "done" || status === "error" || status === "cancelled") {
    run.endedAt ??= performance.now();
    tickElapsed(false);
  }
  if (status === "cancelled") logActivity("Run stopped by the clinician", "warn");
  renderStrip(status);
});

provider.addEventListener("stream-event", (event) => {
  const streamEvent = event.event;
  const run = portal.run;
  if (streamEvent.type === "heartbeat") return;
  if (streamEvent.seq > run.lastSeq) run.lastSeq = streamEvent.seq;
  switch (streamEvent.type) {
    case "run_start": {
      run.runId = streamEvent.runId;
      strip.dataset.runId = streamEvent.runId;
      run.kind = streamEvent.metadata.kind;
      run.plan = planOf(streamEvent.metadata.stages);
      setSecondViewer(streamEvent.runId);
      if (run.kind === "chat") {
        logActivity("Follow-up question sent; the reply streams into the chat");
      } else if (run.fromElements) {
        logActivity("Retry: the analysis runs again as a new run");
      }
      const caseId = streamEvent.metadata.case_id;
      if (caseId && caseId !== portal.caseId && portal.cases.some((c) => c.id === caseId)) {
        void selectCase(caseId, { fresh: false });
      }
      break;
    }
    case "stage_start":
      run.active = streamEvent.stage;
      run.activePanel = streamEvent.panel;
      break;
    case "content_chunk":
      // Chunks change nothing else on the strip; the elapsed ticker keeps it fresh meanwhile.
      if (run.firstTokenMs !== undefined || !run.startedAt) return;
      run.firstTokenMs = performance.now() - run.startedAt;
      break;
    case "stage_complete": {
      const panels = run.completed.get(streamEvent.stage) ?? new Set();
      panels.add(streamEvent.panel);
      run.completed.set(streamEvent.stage, panels);
      break;
    }
    case "error":
      logActivity(`Run error: ${streamEvent.metadata.error_code}`, "error");
      break;
    case "stream_done":
      run.endedAt ??= performance.now();
      break;
  }
  renderStrip(strip.dataset.status ?? "streaming");
});

provider.addEventListener("stream-done", (event) => {
  const { finishReason, verified } = event;
  const run = portal.run;
  run.verified = verified;
  strip.dataset.verified = String(verified);
  strip.dataset.finish = finishReason;
  strip.dataset.runId = run.runId ?? "";
  if (finishReason === "stop") {
    const what = run.kind === "chat" ? "Reply" : "Analysis";
    logActivity(
      verified
        ? `${what} complete; text verified against the server's SHA-256 digest`
        : `${what} complete; digest mismatch`,
      verified ? "ok" : "error",
    );
    if (run.reconnects > 0 && verified) {
      setNote(
        `Resumed ${run.reconnects}× after a lost connection; the full text matches the server exactly.`,
        "ok",
      );
    }
  }
  renderStrip(strip.dataset.status ?? "done");
});

provider.addEventListener("stream-error", (event) => {
  const { code, message } = event;
  setNote(`${message} (${code}). The text received so far is kept; use Retry to run it again.`);
});

/** The plan of a run, one step per stage (a stage writes to one or two panels). */
function planOf(stages) {
  const steps = [];
  for (const entry of stages) {
    const step = steps.find((s) => s.stage === entry.stage);
    if (step) step.panels.push(entry.panel);
    else steps.push({ stage: entry.stage, title: entry.title, panels: [entry.panel] });
  }
  return steps;
}

// ---- Reasoning pane follows the text being written ---------------------------------------

/** Below this width the panes flow in the page (portal.css says the same). */
const PHONE = matchMedia("(max-width: 760px)");

/**
 * The reasoning pane scrolls with the text as it streams, like the chat does, unless the reader
 * has scrolled up to read something earlier. On a phone it is no scroller, so no tab stop either.
 */
function followReasoning() {
  const pane = /** @type {HTMLElement} */ (document.querySelector(".pane-reasoning .pane-scroll"));
  const panel = /** @type {HTMLElement} */ (pane.querySelector("reasoning-panel"));
  const syncTabStop = () => {
    if (PHONE.matches) pane.removeAttribute("tabindex");
    else pane.setAttribute("tabindex", "0");
  };
  syncTabStop();
  PHONE.addEventListener("change", syncTabStop);
  let following = true;
  pane.addEventListener("scroll", () => {
    following = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 48;
  }, { passive: true });
  new ResizeObserver(() => {
    if (following) pane.scrollTop = pane.scrollHeight;
  }).observe(panel);
  provider.addEventListener("stream-status", (event) => {
    if (event.status === "connecting") following = true;
  });
}

followReasoning();

// ---- Resilience lab ----------------------------------------------------------------------

/** Characters per second of the slow-model scenario, and of the scripted model by default. */
const SLOW_PACE = 40;
const NORMAL_PACE = 240;

const SCENARIOS = {
  fail: {
    request: () => post("/api/demo/faults", { fault: "fail", afterChars: 400 }),
    armed: "The next run will fail after about 400 characters. Start an analysis to see it.",
  },
  cut: {
    request: () => post("/api/demo/faults", { fault: "cut", afterChars: 600 }),
    armed:
      "The next run's connection will be cut after about 600 characters. Start an analysis to see it.",
  },
};

async function refreshHealth() {
  try {
    portal.health = await api("/api/health");
  } catch {
    portal.health = undefined;
  }
  const health = portal.health;
  const model = health?.provider === "openai"
    ? "OpenAI-compatible"
    : health?.provider === "scripted"
    ? "scripted (offline)"
    : "unavailable";
  $("model-badge").textContent = `Model: ${model}`;
  const batchButton = document.querySelector('[data-scenario="batch"]');
  batchButton?.setAttribute("aria-pressed", String(health?.streaming === false));
  if (batchButton) {
    batchButton.textContent = health?.streaming === false
      ? "Turn streaming on"
      : "Turn streaming off";
  }
}

/** @param {HTMLButtonElement} button */
async function runScenario(button) {
  const scenario = button.dataset.scenario;
  button.disabled = true;
  try {
    switch (scenario) {
      case "fail":
      case "cut":
        await SCENARIOS[scenario].request();
        button.closest(".scenario")?.setAttribute("data-armed", "");
        setNote(SCENARIOS[scenario].armed);
        logActivity(
          scenario === "fail"
            ? "Armed: next run fails mid-stream"
            : "Armed: next run's connection is cut",
          "warn",
        );
        break;
      case "slow": {
        const slow = button.getAttribute("aria-pressed") !== "true";
        await post("/api/demo/pace", { charsPerSec: slow ? SLOW_PACE : NORMAL_PACE });
        button.setAttribute("aria-pressed", String(slow));
        button.textContent = slow ? "Back to normal speed" : "Slow the model";
        logActivity(
          slow ? "Model slowed to 40 characters a second" : "Model back to normal speed",
          slow ? "warn" : "ok",
        );
        break;
      }
      case "batch": {
        const enable = portal.health?.streaming === false;
        await post("/api/demo/streaming", { enabled: enable });
        await refreshHealth();
        logActivity(
          enable ? "Streaming on again" : "Streaming off: stream endpoints answer 503",
          enable ? "ok" : "warn",
        );
        break;
      }
    }
  } catch (error) {
    const { status, message } = /** @type {{status?: number, message: string}} */ (error);
    // 404: this server has no demo controls (DEMO_CONTROLS=false, the default with a real model).
    if (status === 404) $("demo-unavailable").hidden = false;
    const reason = status === 409 ? "this control needs the built-in scripted model" : message;
    logActivity(`Demo control unavailable: ${reason}`, "error");
  } finally {
    button.disabled = false;
  }
}

for (const button of document.querySelectorAll("[data-scenario]")) {
  button.addEventListener("click", () => runScenario(/** @type {HTMLButtonElement} */ (button)));
}

// ---- Start-up ----------------------------------------------------------------------------

async function main() {
  $("activity-log").append(
    h("li", { class: "activity-empty" }, "Nothing yet. Arm a scenario, then analyse a case."),
  );
  if (PHONE.matches) {
    /** @type {HTMLDetailsElement} */ ($("chart")).open = false;
  }
  await Promise.all([refreshHealth(), customElements.whenDefined("stream-provider")]);
  portal.cases = (await api("/api/cases")).cases;
  renderCaseList();
  const runId = new URLSearchParams(location.search).get("run");
  if (runId) {
    // Second viewer: follow a run another tab started, without starting anything.
    beginWork();
    setNote(
      "Following a live run opened from another viewer. Both tabs read the same run.",
      "info",
    );
    logActivity(`Attached to run ${runId}`);
    provider.attach(runId);
  } else if (portal.cases[0]) {
    await selectCase(portal.cases[0].id, { fresh: true });
  }
}

main().catch((error) => {
  $("patient-banner").replaceChildren(
    h("p", { class: "banner-placeholder" }, `The case service is unavailable: ${error.message}`),
  );
});
