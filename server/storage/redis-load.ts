/**
 * Reading a run back from Redis: its metadata hash and live stream while they last, then the
 * durable log of the finished run.
 */
import type { Redis } from "ioredis";
import type { SharedRun } from "../runs/shared-runs.ts";
import { parseRunLog, readEntries } from "./redis-entries.ts";
import { effectiveStatus, parseMeta, runKeys, type RunMeta } from "./redis-layout.ts";

// Marks a run lost only if it is still running (another instance may have won the race).
const MARK_LOST =
  "if redis.call('hget', KEYS[1], 'status') == 'running' then redis.call('hset', KEYS[1], 'status', 'lost') end";

/** A run's metadata hash; undefined when its live keys are gone or not ours. */
export async function loadMeta(redis: Redis, runId: string): Promise<RunMeta | undefined> {
  return parseMeta(await redis.hgetall(runKeys(runId).meta));
}

/**
 * How a run stands at `now`, recording in Redis a lapsed lease as lost; undefined when its live
 * keys are gone.
 */
export async function runStanding(
  redis: Redis,
  { runId, now }: { runId: string; now: number },
): Promise<RunMeta | undefined> {
  const meta = await loadMeta(redis, runId);
  if (!meta) return undefined;
  const status = effectiveStatus(meta, now);
  if (status === "lost" && meta.status === "running") {
    await redis.eval(MARK_LOST, 1, runKeys(runId).meta);
  }
  return { ...meta, status };
}

/**
 * A run with its log so far, as it stands at `now`; undefined when Redis knows nothing of it. A
 * log that breaks (a gap or a malformed entry) is served up to the break, as a lost run.
 */
export async function loadRun(
  redis: Redis,
  { runId, now }: { runId: string; now: number },
): Promise<SharedRun | undefined> {
  const keys = runKeys(runId);
  const meta = await runStanding(redis, { runId, now });
  if (!meta) {
    const stored = await redis.get(keys.log);
    const log = stored === null ? undefined : parseRunLog(stored, runId);
    if (!log) return undefined;
    return { info: log.info, status: log.intact ? "complete" : "lost", events: log.events };
  }
  const { events, intact } = readEntries(await redis.xrange(keys.events, "-", "+"), { runId });
  return { info: meta.info, status: intact ? meta.status : "lost", events };
}
