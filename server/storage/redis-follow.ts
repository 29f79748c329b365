/**
 * Following one run live on Redis: a blocking-read loop on its own connection that hands the
 * run's events on in seq order, and checks the owner's lease whenever the stream is quiet.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { Follow, FollowHandlers, SharedRun } from "../runs/shared-runs.ts";
import type { Clock } from "../runs/timers.ts";
import { readEntries, type StreamEntry } from "./redis-entries.ts";
import { entryId, leaseCheckMs, runKeys } from "./redis-layout.ts";

/** The follow's own connection: a blocking read holds the connection it runs on. */
export interface FollowConnection {
  /** Resolves once connected; rejects after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** The entries after `seq`, waiting up to `blockMs` for one; null when none came. */
  entriesAfter(seq: number, blockMs: number): Promise<StreamEntry[] | null>;
  close(): void;
}

/** What a follow uses. */
export interface FollowOptions {
  connection: FollowConnection;
  /** How the run stands at `now` (a lapsed lease counts as lost); undefined once it is gone. */
  standing(now: number): Promise<SharedRun["status"] | undefined>;
  handlers: FollowHandlers;
  /** Called once when the follow ends, however it ends. */
  onStop(): void;
  clock: Clock;
  leaseMs: number;
  log: Logger;
}

/**
 * Follows a run from the event after `afterSeq` until its `stream_done` or its loss. A quiet
 * stream makes it check the lease; a malformed entry, a gap, or a Redis outage longer than the
 * lease counts as a loss, so a viewer never hangs.
 */
export function followRun(runId: string, afterSeq: number, options: FollowOptions): Follow {
  const { connection, handlers, clock, leaseMs, log } = options;
  const blockMs = leaseCheckMs(leaseMs);
  let stopped = false;
  let last = afterSeq;
  let unreachableSince: number | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    options.onStop();
    connection.close();
  };
  const lose = () => {
    if (stopped) return;
    stop();
    handlers.lost();
  };

  // Returns true when the run ended (its last event went out, or it is lost).
  const step = async (): Promise<boolean> => {
    const entries = await connection.entriesAfter(last, blockMs);
    if (entries) {
      const { events, intact } = readEntries(entries, { runId, afterSeq: last });
      for (const event of events) {
        last = event.seq;
        handlers.event(event);
        if (event.type === "stream_done") return true;
      }
      if (!intact) return lose(), true;
      return false;
    }
    const status = await options.standing(clock.now());
    if (status !== undefined && status !== "lost") return false;
    lose();
    return true;
  };

  void (async () => {
    try {
      await connection.ready(leaseMs);
    } catch {
      // Counted as unreachable below.
    }
    while (!stopped) {
      try {
        if (await step()) break;
        unreachableSince = undefined;
      } catch {
        if (stopped) break;
        unreachableSince ??= clock.now();
        if (clock.now() - unreachableSince > leaseMs) {
          log("run_follow_unreachable", { runId, lastSeq: last });
          lose();
          break;
        }
        await new Promise<void>((resolve) => clock.setTimeout(resolve, blockMs));
      }
    }
    stop();
  })();

  return { stop };
}

/** A follow connection over `redis` reading the stream of `runId`. */
export function followConnection(
  redis: Redis,
  { runId, ready }: { runId: string; ready(redis: Redis, timeoutMs: number): Promise<void> },
): FollowConnection {
  const key = runKeys(runId).events;
  return {
    ready: (timeoutMs) => ready(redis, timeoutMs),
    async entriesAfter(seq, blockMs) {
      const reply = await redis.xread("BLOCK", blockMs, "STREAMS", key, entryId(seq)) as
        | [string, StreamEntry[]][]
        | null;
      return reply?.[0]?.[1] ?? null;
    },
    close: () => redis.disconnect(),
  };
}
