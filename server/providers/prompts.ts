/**
 * OpenAI chat messages for a completion. The system message holds only fixed instructions and
 * server-owned case data; anything a user typed goes in `user` messages, never into the system
 * prompt.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ClinicalCase } from "../cases/cases.ts";
import type { CompletionRequest } from "./provider.ts";

const ROLE =
  "You are a clinical decision-support assistant for licensed clinicians. You help them reason about a patient case; you do not diagnose or advise patients directly, and the treating clinician makes every decision. Be accurate and concise, state uncertainty, name red flags, and use standard drug names with doses and units. Answer in Markdown: headings, bullet or numbered lists, tables where they help, and code spans for lab names and ICD-10 codes.";

const SUMMARY_STYLE =
  "Summarise this stage for the treating clinician in 2 to 4 conversational sentences: no headings, no lists, no tables.";

/** What each workflow stage's analysis should cover. */
const STAGE_TASKS: Readonly<Record<string, string>> = {
  initial:
    "Stage: initial assessment. Summarise the presentation, assess stability, list red flags to exclude and the immediate priorities.",
  extraction:
    "Stage: key findings. Extract and interpret the vital signs, results and medications, with a Markdown table of the key results, and note missing data.",
  diagnosis:
    "Stage: differential diagnosis. Give the leading diagnosis with its ICD-10 code, ranked alternatives with the evidence for and against each, and risk scores where they apply.",
  plan:
    "Stage: management plan. Give treatment with doses adjusted to allergies and organ function, monitoring, escalation criteria, disposition and follow-up.",
};

/** The messages for one completion request about an optional case. */
export function buildMessages(
  request: Omit<CompletionRequest, "signal">,
  clinicalCase: ClinicalCase | undefined,
): ChatCompletionMessageParam[] {
  const system: ChatCompletionMessageParam = {
    role: "system",
    content: clinicalCase ? `${ROLE}\n\n${caseRecord(clinicalCase)}` : ROLE,
  };
  switch (request.purpose) {
    case "analysis":
      return [system, { role: "user", content: stageTask(request.stage) }];
    case "summary":
      return [
        system,
        { role: "user", content: stageTask(request.stage) },
        { role: "assistant", content: request.analysis ?? "" },
        { role: "user", content: SUMMARY_STYLE },
      ];
    case "chat":
      return [
        system,
        ...request.history.map((turn): ChatCompletionMessageParam =>
          turn.role === "user"
            ? { role: "user", content: turn.content }
            : { role: "assistant", content: turn.content }
        ),
      ];
  }
}

function stageTask(stage: string): string {
  return Object.hasOwn(STAGE_TASKS, stage)
    ? STAGE_TASKS[stage]
    : `Stage: ${stage}. Analyse the case for this stage.`;
}

/** The case as Markdown reference data for the model. */
export function caseRecord(clinicalCase: ClinicalCase): string {
  const { patient, history, vitals } = clinicalCase;
  const list = (items: string[]) => items.map((item) => `- ${item}`).join("\n");
  return [
    `# Case record (synthetic): ${clinicalCase.title}`,
    `Patient: ${patient.name}, ${patient.age}-year-old ${patient.sex}, ${patient.mrn}. Acuity: ${clinicalCase.acuity}.`,
    `Chief complaint: ${clinicalCase.chiefComplaint}`,
    `## History\n${history.presentIllness}\n\nPast medical history:\n${
      list(history.pastMedical)
    }\n\nSocial: ${history.social}`,
    `## Vital signs\nHR ${vitals.heartRate}/min, BP ${vitals.bloodPressure} mmHg, RR ${vitals.respiratoryRate}/min, T ${vitals.temperatureC} °C, SpO2 ${vitals.spo2}%, weight ${vitals.weightKg} kg`,
    `## Results\n${
      list(
        clinicalCase.labs.map(({ name, value, unit, flag }) =>
          `${name}: ${value}${unit ? ` ${unit}` : ""}${flag ? ` (${flag})` : ""}`
        ),
      )
    }`,
    `## Medications\n${list(clinicalCase.medications)}`,
    `## Allergies\n${list(clinicalCase.allergies)}`,
    `## Notes\n${clinicalCase.notes}`,
  ].join("\n\n");
}
