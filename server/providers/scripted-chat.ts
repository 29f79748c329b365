/**
 * The scripted model's chat replies: the last user message is routed by keywords to a topic,
 * and the reply is composed from the case record and the case's chat facts.
 */
import type { ClinicalCase } from "../cases/cases.ts";
import type { ChatFacts } from "./scripts/case-script.ts";

/** What a chat question is about. */
export type ChatTopic =
  | "medications"
  | "labs"
  | "differential"
  | "disposition"
  | "plan"
  | "overview";

/** Checked in order: the first topic that matches wins ("insulin dose next" is medications). */
const TOPIC_PATTERNS: ReadonlyArray<readonly [ChatTopic, RegExp]> = [
  [
    "medications",
    /\b(med(ication)?s?|drugs?|dos(e|es|ing|age)|allerg\w*|prescri\w*|antibiotic\w*|insulin|statin|steroids?)\b/i,
  ],
  [
    "labs",
    /\b(labs?|results?|bloods?|troponin|potassium|creatinine|glucose|gas|ph|ketones?|values?|tests?)\b/i,
  ],
  ["differential", /\b(differential|diagnos\w*|causes?|what else|rule out|alternatives?)\b/i],
  ["disposition", /\b(admit\w*|admission|discharge\w*|icu|home|disposition|follow[- ]?up|bed)\b/i],
  ["plan", /\b(plan|next|treat\w*|manag\w*|orders?|therap\w*)\b/i],
];

const TOPIC_LABELS: Record<ChatTopic, string> = {
  medications: "medications and allergies",
  labs: "the results",
  differential: "the differential diagnosis",
  disposition: "disposition and follow-up",
  plan: "the next steps",
  overview: "the overall picture",
};

/** The topic of a question. */
export function chatTopic(message: string): ChatTopic {
  return TOPIC_PATTERNS.find(([, pattern]) => pattern.test(message))?.[0] ?? "overview";
}

/** A scripted chat reply: a short reasoning trace, then the markdown answer. */
export interface ChatReply {
  reasoning: string;
  answer: string;
}

/** Composes the reply to `message` about a case, or a general reply when there is no case. */
export function chatReply(
  message: string,
  subject: { clinicalCase: ClinicalCase; facts: ChatFacts } | undefined,
): ChatReply {
  const topic = chatTopic(message);
  if (!subject) {
    return {
      reasoning: `The question is about ${
        TOPIC_LABELS[topic]
      }, but no case is attached to this conversation. I should ask for the clinical details rather than guess.`,
      answer:
        `No case is attached to this conversation, so I can only answer in general terms. Select a case, or share the **age**, **presenting complaint**, **vital signs** and **key results**, and I will work through ${
          TOPIC_LABELS[topic]
        } with you.`,
    };
  }
  const { clinicalCase, facts } = subject;
  const { patient } = clinicalCase;
  const flagged = clinicalCase.labs.filter((lab) => lab.flag);
  return {
    reasoning: `The question is about ${TOPIC_LABELS[topic]}. Reviewing ${patient.name}'s record: ${
      count(flagged.length, "flagged result")
    }, ${count(clinicalCase.medications.length, "medication")}, allergies: ${
      clinicalCase.allergies.join("; ")
    }. Working diagnosis: ${facts.leading}. Keep the answer short and tied to the case data.`,
    answer: topicAnswer(topic, clinicalCase, facts),
  };
}

/** The answer text for one topic. */
function topicAnswer(topic: ChatTopic, clinicalCase: ClinicalCase, facts: ChatFacts): string {
  const { patient } = clinicalCase;
  switch (topic) {
    case "medications":
      return [
        `### Medications`,
        ...clinicalCase.medications.map((medication) => `- ${medication}`),
        ``,
        `**Allergies:** ${clinicalCase.allergies.join("; ")}`,
        ``,
        facts.medicationNote,
      ].join("\n");
    case "labs":
      return [
        `### Results that matter`,
        ...clinicalCase.labs
          .filter((lab) => lab.flag)
          .map((lab) =>
            `- \`${lab.name}\` ${lab.value}${lab.unit ? ` ${lab.unit}` : ""} — **${lab.flag}**`
          ),
        ``,
        facts.labNote,
      ].join("\n");
    case "differential":
      return [
        `The leading diagnosis is **${facts.leading}**. Alternatives worth keeping in mind:`,
        ``,
        ...facts.differentials.map((entry, index) => `${index + 1}. ${entry}`),
      ].join("\n");
    case "disposition":
      return facts.disposition;
    case "plan":
      return [
        `### Next steps for ${patient.name}`,
        ...facts.nextSteps.map((step, index) => `${index + 1}. ${step}`),
      ].join("\n");
    case "overview":
      return `For **${patient.name}** (${patient.age}-year-old ${patient.sex}, \`${patient.mrn}\`), presenting with ${clinicalCase.chiefComplaint.toLowerCase()}, my leading consideration is ${facts.leading}.\n\nI can go through the **results**, **medications**, **differential**, **plan** or **disposition** — which would help most?`;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
