/** The stages the scripted model has texts for: those of the built-in clinical review. */

/** A stage with scripted texts. */
export type ScriptStage = "initial" | "extraction" | "diagnosis" | "plan";

const STAGES: readonly string[] = ["initial", "extraction", "diagnosis", "plan"];

/** Whether the scripted model has texts for a stage. */
export function isScriptStage(name: string): name is ScriptStage {
  return STAGES.includes(name);
}
