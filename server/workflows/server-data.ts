/**
 * The data a server is given at start-up (DESIGN.md §9): the workflows (built-in plus
 * WORKFLOWS_DIR), the default one (DEFAULT_WORKFLOW) and the catalog cases (CASES_DIR, else the
 * demo's), each case checked against the default workflow's input schema.
 */
import type { Config } from "../config.ts";
import { type CaseCatalog, caseCatalog, demoCases, readCaseDir } from "../cases/cases.ts";
import { readWorkflowDir, type WorkflowCatalog, workflowCatalog } from "./catalog.ts";

/** Loads the workflows and cases; throws WorkflowError with the one line to print. */
export function loadServerData(
  config: Pick<Config, "workflowsDir" | "defaultWorkflow" | "casesDir">,
): { workflows: WorkflowCatalog; cases: CaseCatalog } {
  const extra = config.workflowsDir === undefined ? [] : readWorkflowDir(config.workflowsDir);
  const workflows = workflowCatalog(extra, { defaultId: config.defaultWorkflow });
  const records = config.casesDir === undefined ? demoCases() : readCaseDir(config.casesDir);
  return { workflows, cases: caseCatalog(records, workflows.default) };
}
