/** The owner's writes of a run: its announcement, each event in seq order, and its ending. */
import type { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo, RunStatus } from "../runs/run.ts";
import { SharedUnavailableError } from "../runs/shared-runs.ts";
import { entryId, metaFields, runKeys } from "./redis-layout.ts";

/** Writes the metadata hash of a run `owner` starts, with its first lease and expiry. */
export async function publishRun(
  redis: Redis,
  info: RunInfo,
  { owner, leaseUntil, keepMs }: { owner: string; leaseUntil: number; keepMs: number },
): Promise<void> {
  const keys = runKeys(info.id);
  const result = await redis.multi()
    .hset(keys.meta, metaFields(info, owner, leaseUntil))
    .pexpire(keys.meta, keepMs)
    .exec();
  if (!succeeded(result)) throw new SharedUnavailableError("Publishing the run failed");
}

/** Appends an event to its run's stream; rejects when it was not written. */
export async function appendEvent(redis: Redis, event: SequencedEvent): Promise<void> {
  const keys = runKeys(event.runId);
  const result = await redis.multi()
    .xadd(keys.events, entryId(event.seq), "e", JSON.stringify(event))
    .hset(keys.meta, "lastSeq", String(event.seq))
    .exec();
  if (!succeeded(result)) throw new SharedUnavailableError("Appending the event failed");
}

/** Records how a run ended and its durable log; its live keys expire after `ttlMs`. */
export async function finishRun(
  redis: Redis,
  run: { info: RunInfo; status: RunStatus; events: readonly SequencedEvent[] },
  { ttlMs }: { ttlMs: number },
): Promise<void> {
  const { info, status, events } = run;
  const keys = runKeys(info.id);
  await redis.multi()
    .set(keys.log, JSON.stringify({ info, events }))
    .hset(keys.meta, "status", status)
    .pexpire(keys.meta, ttlMs)
    .pexpire(keys.events, ttlMs)
    .pexpire(keys.viewers, ttlMs)
    .exec();
}

// Whether every command of a transaction succeeded (null: it was aborted).
function succeeded(result: [error: Error | null, value: unknown][] | null): boolean {
  return result !== null && result.every(([error]) => !error);
}
