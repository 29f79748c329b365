/** How the reducer changes one section, and ends the open ones. Pure. */
import type { Panel, PlanEntry } from "../../protocol/events.ts";
import type { StreamState } from "./stream-state.ts";
import type { Section, TextTail } from "./view-state.ts";

/** Code units a section's tail keeps at least (and at most twice as many). */
const TAIL_CHARS = 8192;

/** The run's distinct stages in plan order: what a stage's index and count refer to. */
export function stageNames(plan: PlanEntry[]): string[] {
  return [...new Set(plan.map((entry) => entry.stage))];
}

/** The section of a plan entry that nothing has been written to yet. */
export function pendingSection(entry: PlanEntry, stages: string[]): Section {
  return {
    stage: entry.stage,
    panel: entry.panel,
    title: entry.title,
    stageIndex: stages.indexOf(entry.stage),
    stageCount: stages.length,
    status: "pending",
    text: "",
    chunkCount: 0,
  };
}

/** Updates the section of `stage` in `panel`, appended when the plan did not announce it. */
export function updateSection(
  state: StreamState,
  { panel, stage, change }: {
    panel: Panel;
    stage: string;
    change: (section: Section) => Section;
  },
): StreamState {
  const list = state.sections[panel];
  const index = list.findIndex((section) => section.stage === stage);
  const entry = { stage, panel, title: stage };
  const before = index === -1
    ? pendingSection(entry, stageNames([...state.plan, entry]))
    : list[index];
  const after = streamingOnlyTail(change(before));
  const sections = index === -1 ? [...list, after] : list.with(index, after);
  return { ...state, sections: { ...state.sections, [panel]: sections } };
}

/** The section after `content` arrived: its text, tail and count grow. */
export function appended(section: Section, content: string): Section {
  return {
    ...section,
    status: "streaming",
    text: section.text + content,
    tail: grownTail(section, content),
    chunkCount: section.chunkCount + 1,
  };
}

/** Marks every section still streaming as ended with `status`. */
export function endSections(
  state: StreamState,
  status: "complete" | "error" | "cancelled",
): StreamState {
  let next = state;
  for (const panel of ["reasoning", "chat"] as const) {
    for (const section of next.sections[panel]) {
      if (section.status === "streaming") {
        next = updateSection(next, {
          panel,
          stage: section.stage,
          change: (open) => ({ ...open, status }),
        });
      }
    }
  }
  return next;
}

/** A section keeps its tail only while it streams: a finished text is read once more, whole. */
function streamingOnlyTail(section: Section): Section {
  if (section.status === "streaming" || section.tail === undefined) return section;
  const { tail: _done, ...ended } = section;
  return ended;
}

/** The section's tail after `content` is appended to its text. */
function grownTail(section: Section, content: string): TextTail {
  const { offset, text } = section.tail ?? { offset: section.text.length, text: "" };
  const grown = text + content;
  if (grown.length <= 2 * TAIL_CHARS) return { offset, text: grown };
  const cut = grown.length - TAIL_CHARS;
  return { offset: offset + cut, text: grown.slice(cut) };
}
