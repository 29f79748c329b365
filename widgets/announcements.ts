/** What the polite live region says: stage starts and completions and the run's end, never chunks. */
import type { Section, ViewState } from "./state/view-state.ts";
import type { StreamStrings } from "./strings.ts";

/**
 * The announcements for a change from `previous` to `next`, in order. `sections` are the sections
 * whose starts and completions are announced (empty for none); the first view announces nothing,
 * so attaching to a run halfway does not recite its past.
 */
export function announcements(
  previous: ViewState | undefined,
  next: ViewState,
  options: { strings: StreamStrings; sections: (view: ViewState) => Section[] },
): string[] {
  if (!previous || previous === next) return [];
  const { strings } = options;
  const said: string[] = [];
  const before = new Map(options.sections(previous).map((s) => [s.stage, s.status]));
  for (const section of options.sections(next)) {
    const was = before.get(section.stage);
    if (was === section.status) continue;
    if (section.status === "streaming") said.push(strings.stageStarted(section.title));
    if (section.status === "complete") said.push(strings.stageComplete(section.title));
  }
  if (previous.status !== next.status) {
    switch (next.status) {
      case "done":
        said.push(strings.done);
        break;
      case "cancelled":
        said.push(strings.cancelled);
        break;
      case "reconnecting":
        said.push(strings.reconnecting);
        break;
      case "idle":
      case "connecting":
      case "streaming":
      case "error":
        // Errors speak through their role="alert" element; the rest is visible progress.
        break;
    }
  }
  return said;
}
