// @ts-check
/**
 * The stage stepper: one step per stage of the run's plan, as the server announced it, each step's
 * state read from the provider's view.
 */
import { $, h } from "./dom.js";

/** @typedef {import("./provider.js").ViewState} ViewState */
/** @typedef {import("./provider.js").PlanEntry} PlanEntry */
/** @typedef {"pending" | "active" | "done" | "error" | "cancelled"} StepState */
/** @typedef {{stage: string, title: string, panels: PlanEntry["panel"][]}} Step */

const STEP_STATE_TEXT = {
  pending: "Waiting",
  active: "In progress",
  done: "Done",
  error: "Interrupted",
  cancelled: "Stopped",
};

/** Shown while the work's own plan is not known yet (before its `run_start`). */
let expected = /** @type {PlanEntry[]} */ ([]);
/** The plan of the last analysis: what the next one will run. */
let workflowPlan = /** @type {PlanEntry[]} */ ([]);

/**
 * Until the next run names its plan, show the last analysis' plan rather than the shape of the run
 * before (a follow-up question has a single stage).
 */
export function expectAnalysis() {
  expected = workflowPlan;
}

/**
 * The plan of the workflow an analysis runs, as `GET /api/workflows` lists it: what the stepper
 * shows before the first run names its own.
 * @param {{id: string, title: string}[]} stages
 */
export function expectWorkflow(stages) {
  workflowPlan = stages.map(({ id, title }) => ({ stage: id, panel: "reasoning", title }));
  expected = workflowPlan;
}

/**
 * The steps of a plan, one per stage (a stage writes to one or two panels).
 * @param {PlanEntry[]} plan @returns {Step[]}
 */
function stepsOf(plan) {
  /** @type {Step[]} */
  const steps = [];
  for (const entry of plan) {
    const step = steps.find((s) => s.stage === entry.stage);
    if (step) step.panels.push(entry.panel);
    else steps.push({ stage: entry.stage, title: entry.title, panels: [entry.panel] });
  }
  return steps;
}

/**
 * Where a stage stands, and the panel it writes to last: a stage is active from its first section's
 * start until every section is complete, and ends as its run did.
 * @param {ViewState} view @param {Step} step
 * @returns {{state: StepState, panel?: PlanEntry["panel"]}}
 */
function stepStateOf(view, step) {
  const sections = step.panels.flatMap((panel) =>
    view.sections[panel].filter((section) => section.stage === step.stage)
  );
  const started = sections.filter((section) => section.status !== "pending");
  if (started.length === 0) return { state: "pending" };
  if (sections.length === step.panels.length && sections.every((s) => s.status === "complete")) {
    return { state: "done" };
  }
  const panel = started[started.length - 1].panel;
  // Cut short, it ends as its sections did or, between two of them, as the run did.
  const cut = started.find((s) => s.status === "error" || s.status === "cancelled")?.status ??
    view.status;
  return { state: cut === "error" || cut === "cancelled" ? cut : "active", panel };
}

/** Shows the steps of the run the view holds. @param {ViewState} view */
export function renderStepper(view) {
  if (view.plan.length > 0) {
    expected = view.plan;
    if (view.kind === "workflow") workflowPlan = view.plan;
  }
  const steps = stepsOf(view.plan.length > 0 ? view.plan : expected);
  $("stepper").replaceChildren(
    ...steps.map((step, index) => {
      const { state, panel } = stepStateOf(view, step);
      const note = state === "active" && panel
        ? (panel === "chat" ? "Summarising" : "Analysing")
        : STEP_STATE_TEXT[state];
      return h(
        "li",
        {
          class: "step",
          "data-state": state,
          "aria-current": state === "active" ? "step" : undefined,
        },
        h("span", { class: "step-title" }, step.title),
        h("span", { class: "step-state" }, steps.length > 1 ? `${index + 1} · ${note}` : note),
      );
    }),
  );
}
