/**
 * RETENTION_DAYS: finished runs, runs lost to a crash and conversations past their age are
 * deleted at start-up and then every hour. A conversation's age is that of its latest message.
 */
import type { Logger } from "../log.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";
import type { Store } from "./store.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the purge runs after start-up. */
export const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Starts purging `store`; returns what stops it. */
export function startRetention(
  store: Store,
  { days, clock, log }: { days: number; clock: Clock; log: Logger },
): () => void {
  let timer: TimerHandle | undefined;
  const purge = () => {
    try {
      const purged = store.purgeBefore(clock.now() - days * DAY_MS);
      if (purged.runs > 0 || purged.conversations > 0) log("retention_purged", { ...purged, days });
    } catch (error) {
      log("retention_failed", { error: (error as Error).name });
    }
    timer = clock.setTimeout(purge, PURGE_EVERY_MS);
  };
  purge();
  return () => clock.clearTimeout(timer);
}
