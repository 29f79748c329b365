/**
 * What the polite live regions say, never chunks: a panel announces the starts and completions of
 * its own stages, the provider the run's end and reconnections, once for the page.
 */
import type { Section, StreamStatus, ViewState } from "./state/view-state.ts";
import type { StreamStrings } from "./strings.ts";

/**
 * The stage announcements for a change from `previous` to `next`, in order. `sections` are the
 * sections whose starts and completions are announced; the first view announces nothing, so
 * attaching to a run halfway does not recite its past.
 */
export function stageAnnouncements(
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
  return said;
}

/** What the run's new `status` announces, if anything. */
export function statusAnnouncement(
  status: StreamStatus,
  strings: StreamStrings,
): string | undefined {
  switch (status) {
    case "done":
      return strings.done;
    case "cancelled":
      return strings.cancelled;
    case "reconnecting":
      return strings.reconnecting;
    case "idle":
    case "connecting":
    case "streaming":
    case "error":
      // Errors speak through the alert; the rest is visible progress.
      return undefined;
  }
}
