/**
 * The workflows a server runs: the built-in clinical review plus those in `WORKFLOWS_DIR` (a file
 * whose `id` repeats a built-in one replaces it), and the default one the catalog endpoints run.
 */
import builtinClinicalReview from "./builtin/clinical-review.json" with { type: "json" };
import { parseWorkflow, type Workflow, WorkflowError } from "./definition.ts";

/** The workflows by id, and the default. */
export interface WorkflowCatalog {
  readonly default: Workflow;
  get(id: string): Workflow | undefined;
  list(): Workflow[];
}

/** The built-in workflows, parsed as any file would be. */
export function builtinWorkflows(): Workflow[] {
  return [parseWorkflow(JSON.stringify(builtinClinicalReview), "builtin/clinical-review.json")];
}

/** The id of the built-in default workflow. */
export const BUILTIN_DEFAULT_WORKFLOW = "clinical-review";

/**
 * The catalog of the built-in workflows and `extra` (which replace built-ins of the same id);
 * throws WorkflowError when `defaultId` names none of them.
 */
export function workflowCatalog(
  extra: readonly Workflow[] = [],
  { defaultId = BUILTIN_DEFAULT_WORKFLOW }: { defaultId?: string } = {},
): WorkflowCatalog {
  const byId = new Map<string, Workflow>();
  for (const workflow of [...builtinWorkflows(), ...extra]) byId.set(workflow.id, workflow);
  const fallback = byId.get(defaultId);
  if (!fallback) {
    throw new WorkflowError(`Invalid DEFAULT_WORKFLOW: "${defaultId}" (no such workflow)`);
  }
  return {
    default: fallback,
    get: (id) => byId.get(id),
    list: () => [...byId.values()],
  };
}

/**
 * Reads every `*.json` file of a folder as a workflow, in name order; throws WorkflowError for an
 * unreadable folder, a bad file, or two files with the same id.
 */
export function readWorkflowDir(dir: string): Workflow[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)]
      .filter((entry) => entry.isFile && entry.name.endsWith(".json"))
      .map((entry) => entry.name)
      .sort();
  } catch {
    throw new WorkflowError(`Invalid WORKFLOWS_DIR: "${dir}" (cannot read it)`);
  }
  const workflows: Workflow[] = [];
  for (const name of names) {
    const workflow = parseWorkflow(Deno.readTextFileSync(`${dir}/${name}`), name);
    if (workflows.some((other) => other.id === workflow.id)) {
      throw new WorkflowError(`Invalid workflow file "${name}": id: repeats "${workflow.id}"`);
    }
    workflows.push(workflow);
  }
  return workflows;
}
