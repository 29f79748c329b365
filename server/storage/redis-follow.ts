/**
 * Following one run live on Redis: a blocking-read loop on its own connection that hands the
 * run's events on in seq order, and checks the owner's lease whenever the stream is quiet.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import type { Follow, FollowHandlers } from "../runs/shared-runs.ts";
import {
  effectiveStatus,
  entryId,
  leaseCheckMs,
  runKeys,
  type RunMeta,
  seqOfEntry,
} from "./redis-layout.ts";
import type { RedisRunsOptions } from "./redis-runs.ts";

/** What a follow needs from the shared log. */
export interface FollowContext extends RedisRunsOptions {
  loadMeta(runId: string): Promise<RunMeta | undefined>;
  markLost(runId: string): Promise<unknown>;
  forget(): void;
}

/**
 * One blocking-read loop on its own connection: hands the run's events on in seq order and
 * checks the owner's lease whenever the stream is quiet. A Redis outage longer than the lease
 * counts as a loss, so a viewer never hangs.
 */
export function followRun(
  runId: string,
  afterSeq: number,
  context: FollowContext & { handlers: FollowHandlers },
): Follow {
  const { leaseMs, log, handlers } = context;
  const blockMs = leaseCheckMs(leaseMs);
  const key = runKeys(runId).events;
  const connection = context.connect();
  let stopped = false;
  let last = afterSeq;
  let unreachableSince: number | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    context.forget();
    connection.disconnect();
  };
  const lose = () => {
    if (stopped) return;
    stop();
    handlers.lost();
  };

  // Returns true when the run ended (its last event went out, or it is lost).
  const step = async (): Promise<boolean> => {
    const reply = await connection.xread("BLOCK", blockMs, "STREAMS", key, entryId(last)) as
      | [string, [string, string[]][]][]
      | null;
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      const seq = seqOfEntry(id);
      // A gap cannot be served without breaking the no-gap guarantee: the run is lost here.
      if (seq !== last + 1) return lose(), true;
      const event = JSON.parse(fields[1]) as SequencedEvent;
      last = seq;
      handlers.event(event);
      if (event.type === "stream_done") return true;
    }
    if (reply) return false;
    const meta = await context.loadMeta(runId);
    if (!meta) return lose(), true;
    if (effectiveStatus(meta, Date.now()) !== "lost") return false;
    await context.markLost(runId);
    lose();
    return true;
  };

  void (async () => {
    try {
      await context.ready(connection, leaseMs);
    } catch {
      // Counted as unreachable below.
    }
    while (!stopped) {
      try {
        if (await step()) break;
        unreachableSince = undefined;
      } catch {
        if (stopped) break;
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > leaseMs) {
          log("run_follow_unreachable", { runId, lastSeq: last });
          lose();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, blockMs));
      }
    }
    stop();
  })();

  return { stop };
}
