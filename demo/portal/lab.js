// @ts-check
/** The resilience lab: switches that break the next run, or the server, on purpose. */
import { logActivity } from "./activity.js";
import { api, post } from "./api.js";
import { $ } from "./dom.js";
import { refreshHealth, streamingOff } from "./health.js";
import { provider } from "./provider.js";
import { setNote, showWorkBegun } from "./status-strip.js";
import { expectAnalysis } from "./stepper.js";

/** Characters per second of the slow-model scenario, and of the scripted model by default. */
const SLOW_PACE = 40;
const NORMAL_PACE = 240;

const FAULTS = {
  fail: {
    request: () => post("/api/demo/faults", { fault: "fail", afterChars: 400 }),
    armed: "The next run will fail after about 400 characters. Start an analysis to see it.",
    logged: "Armed: next run fails mid-stream",
  },
  cut: {
    request: () => post("/api/demo/faults", { fault: "cut", afterChars: 600 }),
    armed:
      "The next run's connection will be cut after about 600 characters. Start an analysis to see it.",
    logged: "Armed: next run's connection is cut",
  },
};

/** @param {HTMLButtonElement} button */
async function runScenario(button) {
  const scenario = button.dataset.scenario;
  button.disabled = true;
  try {
    switch (scenario) {
      case "fail":
      case "cut":
        await FAULTS[scenario].request();
        button.closest(".scenario")?.setAttribute("data-armed", "");
        setNote(FAULTS[scenario].armed);
        logActivity(FAULTS[scenario].logged, "warn");
        break;
      case "slow": {
        const slow = button.getAttribute("aria-pressed") !== "true";
        await post("/api/demo/pace", { charsPerSec: slow ? SLOW_PACE : NORMAL_PACE });
        button.setAttribute("aria-pressed", String(slow));
        button.textContent = slow ? "Back to normal speed" : "Slow the model";
        logActivity(
          slow ? `Model slowed to ${SLOW_PACE} characters a second` : "Model back to normal speed",
          slow ? "warn" : "ok",
        );
        break;
      }
      case "buffer":
        await analyseThroughBufferingProxy();
        break;
      case "batch": {
        const enable = streamingOff();
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

/**
 * Analyses the case shown with its stream held back by a buffering hop, as a proxy that ignores
 * `X-Accel-Buffering` would hold it. The run is started by `POST /api/runs`, whose complete answer
 * names it even behind such a proxy; the provider then attaches, finds nothing arriving, and goes
 * on by long-poll.
 */
async function analyseThroughBufferingProxy() {
  const caseId = /\/api\/cases\/([^/]+)\//.exec(provider.src)?.[1];
  if (!caseId) throw new Error("pick a case first");
  const [record, workflows] = await Promise.all([
    api(`/api/cases/${caseId}`),
    api("/api/workflows"),
  ]);
  await post("/api/demo/faults", { fault: "buffer" });
  const { runId } = await post("/api/runs", { workflow: workflows.default, input: record });
  // This page starts the work, as Analyse case does: the provider's `connecting` is this work's.
  showWorkBegun({ batch: false, fromElements: false });
  expectAnalysis();
  logActivity("Analysis started behind a buffering proxy", "warn");
  setNote(
    "This run's stream is held back as a buffering proxy would hold it. Watch the transport.",
  );
  provider.attach(runId);
}

/** Reports each switch of transport: the provider found the path holding the stream back. */
function followTransport() {
  let shown = provider.view.transport;
  provider.addEventListener("stream-status", ({ detail: { transport } }) => {
    if (!transport || transport === shown) return;
    if (transport === "poll" && shown === "fetch") {
      logActivity("Stream held back on the way: switched to long-poll, same run, no gap", "warn");
      setNote("The stream was held back on the way; the run goes on by long-poll.", "info");
    }
    shown = transport;
  });
}

/** Wires the scenario buttons. */
export function setupLab() {
  for (const button of document.querySelectorAll("[data-scenario]")) {
    button.addEventListener("click", () => runScenario(/** @type {HTMLButtonElement} */ (button)));
  }
  followTransport();
}

/** An armed fault belongs to the next run, which has begun: its card is no longer marked. */
export function disarmScenarios() {
  for (const card of document.querySelectorAll(".scenario[data-armed]")) {
    card.removeAttribute("data-armed");
  }
}
