/**
 * How a run ends in Redis, once: by its owner (`finishRun`), or as lost by whichever instance
 * finds its lease lapsed on Redis's clock (`runStanding`, `lapsedRuns`). Losing one saves its log
 * so far as its durable log and a chat run's partial reply, with status `error`.
 */
import type { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo, RunStatus } from "../runs/run.ts";
import { KEY_PREFIX, LEASE_INDEX, runKeys, statusOf } from "./redis-layout.ts";
import { FINISH, LAPSED, STANDING } from "./redis-lua.ts";
import { runScript } from "./redis-script.ts";

/** What ending a run takes. */
export interface EndingOptions {
  /** Live keys of a finished run expire after this long. */
  ttlMs: number;
  /** Durable records expire after this long (RETENTION_DAYS); 0 keeps them. */
  durableMs: number;
  /** The id of a partial reply saved for a lost chat run. */
  newId: () => string;
}

/** How a run stands after a look, and whether this look ended it. */
export interface Standing {
  status: RunStatus | "lost";
  ended: boolean;
}

// How many lapsed runs one sweep ends at most.
const SWEEP_LIMIT = 20;

function ending(runId: string, { ttlMs, durableMs, newId }: EndingOptions) {
  const keys = runKeys(runId);
  return {
    keys: [keys.meta, keys.events, keys.viewers, keys.log, LEASE_INDEX],
    args: [runId, ttlMs, durableMs, newId(), KEY_PREFIX],
  };
}

function standingOf(reply: unknown): Standing | undefined {
  const [status, ended] = reply as [string?, number?];
  const known = statusOf(status);
  return known && { status: known, ended: ended === 1 };
}

/**
 * How a run stands now, ending it as lost when its lease lapsed, or when `owner` is its owner
 * (which knows it is lost); undefined when its live keys are gone.
 */
export async function runStanding(
  redis: Redis,
  runId: string,
  options: EndingOptions & { owner?: string },
): Promise<Standing | undefined> {
  const { keys, args } = ending(runId, options);
  return standingOf(
    await runScript(redis, STANDING, { keys, args: [...args, options.owner ?? ""] }),
  );
}

/**
 * The owner's ending: status and durable log, live keys expiring after the TTL. A run no longer
 * this owner's, or whose lease lapsed, keeps (or gets) the lost ending instead.
 */
export async function finishRun(
  redis: Redis,
  run: { info: RunInfo; status: RunStatus; events: readonly SequencedEvent[] },
  options: EndingOptions & { owner: string },
): Promise<Standing | undefined> {
  const { info, status, events } = run;
  const { keys, args } = ending(info.id, options);
  const log = JSON.stringify({ info, events });
  return standingOf(
    await runScript(redis, FINISH, { keys, args: [...args, options.owner, status, log] }),
  );
}

/** Running runs whose lease lapsed on Redis's clock, a few at a time. */
export async function lapsedRuns(redis: Redis): Promise<string[]> {
  return await runScript(redis, LAPSED, { keys: [LEASE_INDEX], args: [SWEEP_LIMIT] }) as string[];
}
