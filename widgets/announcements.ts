/**
 * What the provider's polite live region says, never chunks: a workflow's stage starts and
 * completions, the run's end and reconnections — once per provider, whatever elements render it.
 */
import type { Section, StreamStatus, ViewState } from "./state/view-state.ts";
import type { StreamStrings } from "./strings.ts";

/**
 * The stage announcements for a change from `previous` to `next` of the same workflow run, in
 * order. A stage starts when either panel begins writing it and completes when both have; a chat
 * run's one stage is the reply itself, whose end is "Finished".
 */
export function stageAnnouncements(
  previous: ViewState,
  next: ViewState,
  strings: StreamStrings,
): string[] {
  if (next.kind !== "workflow" || previous.runId !== next.runId) return [];
  const before = stageProgress(previous);
  const said: string[] = [];
  for (const [stage, { title, progress }] of stageProgress(next)) {
    const was = before.get(stage)?.progress ?? "pending";
    if (was === progress) continue;
    if (was === "pending") said.push(strings.stageStarted(title));
    if (progress === "complete") said.push(strings.stageComplete(title));
  }
  return said;
}

type Progress = "pending" | "started" | "complete";

/** Each stage's progress over both panels, in plan order. */
function stageProgress(view: ViewState): Map<string, { title: string; progress: Progress }> {
  const stages = new Map<string, { title: string; sections: Section[] }>();
  for (const section of [...view.sections.reasoning, ...view.sections.chat]) {
    const entry = stages.get(section.stage);
    if (entry) entry.sections.push(section);
    else stages.set(section.stage, { title: section.title, sections: [section] });
  }
  const order = [...stages.entries()].sort(([, a], [, b]) =>
    a.sections[0].stageIndex - b.sections[0].stageIndex
  );
  return new Map(order.map(([stage, { title, sections }]) => {
    const progress: Progress = sections.every((s) => s.status === "complete")
      ? "complete"
      : sections.some((s) => s.status !== "pending")
      ? "started"
      : "pending";
    return [stage, { title, progress }];
  }));
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
