/**
 * Prompt templates: Mustache, logic-less, without HTML escaping (these are prompts, not pages).
 * A template sees `input` (the run's input) and `stages.<id>.analysis` / `.summary` (what the
 * earlier stages wrote). References are checked when a workflow is loaded, so a misspelt name
 * stops the server instead of rendering as an empty string.
 */
import Mustache from "mustache";

/** What a prompt template is rendered over. */
export interface TemplateView {
  input: Record<string, unknown>;
  stages: Record<string, { analysis: string; summary?: string }>;
}

/** The names a template may use. */
export interface TemplateScope {
  /** Top-level input properties. */
  inputProperties: readonly string[];
  /** `stages.<id>.<output>` names that exist when this template renders. */
  stageOutputs: readonly string[];
}

const RAW = { escape: (text: string) => text };

/** Renders a template over a view. */
export function renderTemplate(template: string, view: TemplateView): string {
  return Mustache.render(template, view, {}, RAW);
}

/**
 * The first problem with a template, or `undefined`: a syntax error, a partial (none exist), or a
 * name outside the scope.
 */
export function templateProblem(template: string, scope: TemplateScope): string | undefined {
  let tokens: unknown[];
  try {
    tokens = Mustache.parse(template);
  } catch (error) {
    return (error as Error).message;
  }
  return tokensProblem(tokens as Token[], scope, 0);
}

/** Mustache's token tuple: type, value, start, end, then a section's children. */
type Token = [string, string, number, number, Token[]?];

function tokensProblem(tokens: Token[], scope: TemplateScope, depth: number): string | undefined {
  for (const [type, name, , , children] of tokens) {
    if (type === ">") return `uses partial "${name}", which does not exist`;
    if (type === "name" || type === "&" || type === "{" || type === "#" || type === "^") {
      const problem = nameProblem(name, scope, depth);
      if (problem) return problem;
    }
    if (children) {
      const problem = tokensProblem(children, scope, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * Inside a section names may be relative to the section's item, so only `input.…` and
 * `stages.…` are checked there; at the top level every name must be one of those.
 */
function nameProblem(name: string, scope: TemplateScope, depth: number): string | undefined {
  const [root, first] = name.split(".");
  if (root === "input") {
    if (first === undefined || scope.inputProperties.includes(first)) return undefined;
    return `uses "${name}", but the input has no property "${first}"`;
  }
  if (root === "stages") {
    const output = name.split(".").slice(1, 3).join(".");
    if (scope.stageOutputs.includes(output)) return undefined;
    return `uses "${name}", which is not an earlier stage's analysis or summary`;
  }
  return depth === 0 ? `uses "${name}": names start with "input." or "stages."` : undefined;
}
