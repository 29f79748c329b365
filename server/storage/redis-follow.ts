/**
 * Following one run live on Redis: a blocking-read loop on its own connection that hands the
 * run's events on in seq order, and checks the owner's lease whenever the stream is quiet.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { Follow, FollowHandlers, SharedRun } from "../runs/shared-runs.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";
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
  /** How the run stands now (a lapsed lease ends it as lost); undefined once it is gone. */
  standing(): Promise<SharedRun["status"] | undefined>;
  handlers: FollowHandlers;
  /** Called once when the follow ends, however it ends. */
  onStop(): void;
  clock: Clock;
  leaseMs: number;
  log: Logger;
}

// Rejects a wait that outlived its deadline.
const OVERDUE = Symbol("overdue");

/**
 * Follows a run from the event after `afterSeq` until its `stream_done` or its loss. A quiet
 * stream makes it check the lease; a malformed entry, a gap, or Redis answering nothing for the
 * length of a lease counts as a loss, so a viewer never hangs. No wait outlives that deadline
 * (a stalled Redis answers nothing, not even an error), so the loss is told at most `leaseMs`
 * after Redis last answered: by then the run's lease has lapsed in Redis too.
 */
export function followRun(runId: string, afterSeq: number, options: FollowOptions): Follow {
  const { connection, handlers, clock, leaseMs, log } = options;
  const blockMs = leaseCheckMs(leaseMs);
  let stopped = false;
  let last = afterSeq;
  let answeredAt = clock.now();

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
  // Settles as `work` does, or rejects with OVERDUE once the deadline passed.
  const bounded = <T>(work: Promise<T>): Promise<T> => {
    let timer: TimerHandle | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(OVERDUE), answeredAt + leaseMs - clock.now());
    });
    return Promise.race([work, overdue]).finally(() => clock.clearTimeout(timer));
  };

  // Returns true when the run ended (its last event went out, or it is lost).
  const step = async (): Promise<boolean> => {
    const entries = await bounded(connection.entriesAfter(last, blockMs));
    answeredAt = clock.now();
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
    const status = await bounded(options.standing());
    answeredAt = clock.now();
    if (status !== undefined && status !== "lost") return false;
    lose();
    return true;
  };

  void (async () => {
    try {
      await bounded(connection.ready(leaseMs));
    } catch {
      // Counted as unreachable below.
    }
    while (!stopped) {
      try {
        if (await step()) break;
      } catch (error) {
        if (stopped) break;
        if (error === OVERDUE || clock.now() - answeredAt >= leaseMs) {
          log("run_follow_unreachable", { runId, lastSeq: last });
          lose();
          break;
        }
        const wait = Math.min(blockMs, answeredAt + leaseMs - clock.now());
        await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
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
