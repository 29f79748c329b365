/** The replay's UI strings (English by default, replaceable through `strings`) and its clock face. */

/** Every string `<run-replay>` shows or announces. */
export interface ReplayStrings {
  play: string;
  pause: string;
  /** Label of the speed choice. */
  speed: string;
  /** A speed factor, e.g. "4×". */
  factor: (factor: number) => string;
  /** Accessible name of the scrubber. */
  scrubber: string;
  /** The moment shown: its clock time and how far into the run it is. */
  moment: (clock: string, elapsed: string) => string;
  exportRecord: string;
  exportFailed: string;
  loading: string;
  notFound: string;
  unavailable: string;
  /** Heading of the audit view. */
  audit: string;
  /** One audit entry: who did what (the action in words), and with what outcome when refused. */
  auditEntry: (who: string, action: string, outcome: string) => string;
  /** Audited actions in words. */
  actions: Record<string, string>;
  /** Announced when playing passes over a long silence. */
  silenceSkipped: (seconds: number) => string;
}

/** The default English strings. */
export const defaultReplayStrings: ReplayStrings = {
  play: "Play",
  pause: "Pause",
  speed: "Speed",
  factor: (factor) => `${factor}×`,
  scrubber: "Moment of the run",
  moment: (clock, elapsed) => `${clock} (${elapsed} into the run)`,
  exportRecord: "Export record",
  exportFailed: "The record could not be exported",
  loading: "Loading the run…",
  notFound: "This run is not available",
  unavailable: "The run could not be loaded; please retry shortly",
  audit: "Who was there",
  auditEntry: (who, action, outcome) =>
    outcome === "allowed" ? `${who} ${action}` : `${who} ${action} (${outcome.replace("_", " ")})`,
  actions: {
    start: "started the run",
    message: "started the run",
    attach: "attached and watched",
    resume: "resumed watching",
    replay: "replayed the run",
    read: "read the run",
    cancel: "cancelled the run",
    retry: "retried",
    grant: "invited an observer",
    deny: "was refused",
  },
  silenceSkipped: (seconds) => `Skipped ${seconds} s without output`,
};

/** `defaultReplayStrings` with `overrides` applied. */
export function resolveReplayStrings(overrides: Partial<ReplayStrings> | undefined): ReplayStrings {
  return overrides ? { ...defaultReplayStrings, ...overrides } : defaultReplayStrings;
}

const two = (n: number) => String(n).padStart(2, "0");

/** The local clock time of epoch ms `ts`, to the millisecond: `10:42:07.123`. */
export function clockTime(ts: number): string {
  const date = new Date(ts);
  const ms = String(date.getMilliseconds()).padStart(3, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}`;
}

/** A duration in ms as minutes, seconds and tenths: `1:02.3`. */
export function elapsedTime(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  return `${Math.floor(tenths / 600)}:${two(Math.floor(tenths / 10) % 60)}.${tenths % 10}`;
}
