/**
 * Reading a run back from Redis: its metadata hash and live stream while they last, then the
 * durable log of the finished run.
 */
import type { Redis } from "ioredis";
import type { SharedRun } from "../runs/shared-runs.ts";
import { type EndingOptions, runStanding } from "./redis-ending.ts";
import { parseRunLog, readEntries } from "./redis-entries.ts";
import { parseMeta, runKeys, type RunMeta } from "./redis-layout.ts";

/** A run's metadata hash; undefined when its live keys are gone or not ours. */
export async function loadMeta(redis: Redis, runId: string): Promise<RunMeta | undefined> {
  return parseMeta(await redis.hgetall(runKeys(runId).meta));
}

/**
 * A run with its log so far, as it stands now (a lapsed lease ends it as lost first); undefined
 * when Redis knows nothing of it. A log that breaks (a gap or a malformed entry) is served up to
 * the break, as a lost run.
 */
export async function loadRun(
  redis: Redis,
  runId: string,
  ending: EndingOptions,
): Promise<SharedRun | undefined> {
  const keys = runKeys(runId);
  const standing = await runStanding(redis, runId, ending);
  const meta = standing && await loadMeta(redis, runId);
  if (!standing || !meta) {
    const stored = await redis.get(keys.log);
    const log = stored === null ? undefined : parseRunLog(stored, runId);
    if (!log) return undefined;
    return { info: log.info, status: log.intact ? "complete" : "lost", events: log.events };
  }
  const { events, intact } = readEntries(await redis.xrange(keys.events, "-", "+"), { runId });
  return { info: meta.info, status: intact ? standing.status : "lost", events };
}
