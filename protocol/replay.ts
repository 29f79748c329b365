/**
 * Timed replay (DESIGN.md §11): the `?pace=` of a run's stream, and how long a replay waits
 * between two events. Pure; the server paces its SSE replay by it and the elements their
 * timeline, so both show a run with the same timing.
 */
import * as z from "zod/mini";

/** A silence between two events longer than this (in the run's own time) is replayed this long. */
export const SILENCE_CAP_MS = 3000;
/** The slowest and fastest speed factors a replay accepts. */
export const MIN_PACE = 0.1;
export const MAX_PACE = 1000;

/** `?pace=`: `original` (factor 1) or a decimal speed factor, parsed to the factor. */
export const Pace = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^(original|(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?)$/)),
    z.transform((value) => value === "original" ? 1 : Number(value)),
  ),
  z.number().check(z.minimum(MIN_PACE), z.maximum(MAX_PACE)),
);

/** The wait before an event that came `gapMs` after the one before it; `silenceMs` marks a cap. */
export interface PaceStep {
  waitMs: number;
  /** The silence that was shortened, when it was. */
  silenceMs?: number;
}

/** How long to wait, at speed `factor`, for a gap of `gapMs` in the run's own time. */
export function paceStep(gapMs: number, factor: number): PaceStep {
  const gap = Math.max(0, gapMs);
  if (gap <= SILENCE_CAP_MS) return { waitMs: gap / factor };
  return { waitMs: SILENCE_CAP_MS / factor, silenceMs: gap };
}

/** The query of a run's stream as far as replay reads it; the other parameters pass by. */
export const ReplayQuery = z.object({ pace: z.optional(Pace) });
/** The query of a run's stream, parsed. */
export type ReplayQuery = z.infer<typeof ReplayQuery>;
