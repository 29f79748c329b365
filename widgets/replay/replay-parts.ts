/**
 * Parts of `<run-replay>` beside its state: the audit view (each entry a button that seeks to
 * its moment; entries after the moment shown dimmed) and the scrubber's keyboard moves.
 */
import { html, type TemplateResult } from "lit";
import type { AuditLine } from "./replay-source.ts";
import { clockTime, type ReplayStrings } from "./replay-strings.ts";
import type { Timeline } from "./replay-timeline.ts";

/** Scrubber steps by keyboard: an arrow moves a second, Page Up/Down ten. */
const STEP_MS = 1000;
const PAGE_MS = 10_000;

/** Where a key moves the scrubber from `time`, or undefined for a key it does not take. */
export function scrubberMove(key: string, time: number, timeline: Timeline): number | undefined {
  switch (key) {
    case "ArrowRight":
    case "ArrowUp":
      return time + STEP_MS;
    case "ArrowLeft":
    case "ArrowDown":
      return time - STEP_MS;
    case "PageUp":
      return time + PAGE_MS;
    case "PageDown":
      return time - PAGE_MS;
    case "Home":
      return timeline.start;
    case "End":
      return timeline.end;
    default:
      return undefined;
  }
}

/** The audit view at moment `time`. */
export function renderAudit(
  audit: readonly AuditLine[],
  { time, strings, seek }: { time: number; strings: ReplayStrings; seek: (ts: number) => void },
): TemplateResult {
  return html`
    <aside part="audit" aria-label=${strings.audit}>
      <h2>${strings.audit}</h2>
      <ol>
          ${audit.map((entry) =>
            html`
              <li part="audit-entry" class=${entry.ts > time ? "later" : ""}>
                <button @click=${() => seek(entry.ts)}>
                          <time datetime=${new Date(entry.ts).toISOString()}>${clockTime(
                            entry.ts,
                          )}</time>
                          ${strings.auditEntry(
                            entry.sub,
                            strings.actions[entry.action] ?? entry.action,
                            entry.outcome,
                          )}
                        </button>
              </li>
            `
          )}
        </ol>
    </aside>
  `;
}
