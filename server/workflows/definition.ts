/**
 * A workflow definition file (DESIGN.md §9), validated with zod when the server starts: a bad file
 * stops the server with one line naming the file and the field.
 */
import * as z from "zod";
import { type InputCheck, InputSchema, inputValidator } from "./input-schema.ts";
import { templateProblem } from "./templates.ts";

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, - or _");

/** One model call of a stage: its prompt template and per-call model settings. */
const ModelStep = z.strictObject({
  prompt: z.string().min(1),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).max(1_000_000).optional(),
});
/** One model call of a stage. */
export type ModelStep = z.infer<typeof ModelStep>;

const Stage = z.strictObject({
  id: Id,
  title: z.string().min(1),
  /** Streams to the reasoning panel. */
  analysis: ModelStep,
  /** Streams to the chat panel, after the analysis. */
  summary: ModelStep.optional(),
});
/** A stage of a workflow. */
export type WorkflowStage = z.infer<typeof Stage>;

/** The file's schema, with its stage ids unique and its templates checked against its scope. */
export const WorkflowDefinition = z.strictObject({
  id: Id,
  title: z.string().min(1),
  input: InputSchema,
  system: z.string().min(1).optional(),
  stages: z.array(Stage).min(1).max(32),
}).superRefine((workflow, ctx) => {
  const inputProperties = Object.keys(workflow.input.properties);
  const seen: string[] = [];
  for (const [index, stage] of workflow.stages.entries()) {
    if (seen.includes(stage.id)) {
      ctx.addIssue({
        code: "custom",
        path: ["stages", index, "id"],
        message: `repeats "${stage.id}"`,
      });
    }
    const earlier = workflow.stages.slice(0, index).flatMap((s) => outputsOf(s));
    const steps = [["analysis", earlier], [
      "summary",
      [...earlier, `${stage.id}.analysis`],
    ]] as const;
    for (const [name, stageOutputs] of steps) {
      const step = stage[name];
      const problem = step && templateProblem(step.prompt, { inputProperties, stageOutputs });
      if (problem) {
        ctx.addIssue({ code: "custom", path: ["stages", index, name, "prompt"], message: problem });
      }
    }
    seen.push(stage.id);
  }
});

/** A validated definition. */
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** A workflow ready to run: its definition and its input's validator. */
export interface Workflow extends WorkflowDefinition {
  checkInput(value: unknown): InputCheck;
}

/** Thrown for a bad workflow file; the message is the one line the server prints. */
export class WorkflowError extends Error {
  override name = "WorkflowError";
}

/** Parses one workflow file's text; throws WorkflowError naming `file` and the first bad field. */
export function parseWorkflow(text: string, file: string): Workflow {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WorkflowError(`Invalid workflow file "${file}": not valid JSON`);
  }
  const result = WorkflowDefinition.safeParse(json);
  if (!result.success) {
    const [issue] = result.error.issues;
    const path = issue.path.map(String).join(".") || "(file)";
    throw new WorkflowError(`Invalid workflow file "${file}": ${path}: ${issue.message}`);
  }
  return { ...result.data, checkInput: inputValidator(result.data.input) };
}

/** `<stage>.analysis` and, when it has one, `<stage>.summary`. */
function outputsOf(stage: WorkflowStage): string[] {
  return stage.summary ? [`${stage.id}.analysis`, `${stage.id}.summary`] : [`${stage.id}.analysis`];
}
