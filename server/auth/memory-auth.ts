/** Tickets and presence in this process: the embedded default, where one process serves all. */
import type { Clock } from "../runs/timers.ts";
import {
  distinctWatchers,
  type Presence,
  type TicketGrant,
  type TicketStore,
  type Watcher,
} from "./auth-storage.ts";

/** Tickets in memory; an expired ticket is dropped when next looked at or swept. */
export function memoryTickets(clock: Clock): TicketStore {
  const tickets = new Map<string, { grant: TicketGrant; until: number }>();
  const sweep = (now: number) => {
    for (const [id, { until }] of tickets) if (until <= now) tickets.delete(id);
  };
  return {
    put(id, grant, ttlMs) {
      const now = clock.now();
      sweep(now);
      tickets.set(id, { grant, until: now + ttlMs });
      return Promise.resolve();
    },
    take(id) {
      const entry = tickets.get(id);
      tickets.delete(id);
      return Promise.resolve(entry && entry.until > clock.now() ? entry.grant : undefined);
    },
  };
}

/** Presence in memory: every viewer is attached to this process. */
export function memoryPresence(): Presence {
  const runs = new Map<string, Set<Watcher>>();
  return {
    enter(runId, watcher) {
      const entry = { ...watcher };
      let set = runs.get(runId);
      if (!set) runs.set(runId, set = new Set());
      set.add(entry);
      return () => {
        set.delete(entry);
        if (set.size === 0 && runs.get(runId) === set) runs.delete(runId);
      };
    },
    list: (runId) => Promise.resolve(distinctWatchers(runs.get(runId) ?? [])),
    close() {},
  };
}
