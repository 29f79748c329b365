/** The owner's writes of a run: its announcement, then each event in seq order, fenced. */
import type { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo } from "../runs/run.ts";
import { SharedUnavailableError } from "../runs/shared-runs.ts";
import { LEASE_INDEX, leaseCheckMs, runKeys } from "./redis-layout.ts";
import { APPEND, PUBLISH } from "./redis-lua.ts";
import { runScript } from "./redis-script.ts";

/** What the owner's writes carry. */
export interface OwnerWrite {
  owner: string;
  leaseMs: number;
  /** How long a running run's live keys outlive a missed renewal. */
  keepMs: number;
}

/**
 * Writes the metadata hash of a run `owner` starts, with its first lease (Redis's clock) and its
 * expiry, in one step: no moment exists where the key has none.
 */
export async function publishRun(
  redis: Redis,
  info: RunInfo,
  { owner, leaseMs, keepMs }: OwnerWrite,
): Promise<void> {
  await runScript(redis, PUBLISH, {
    keys: [runKeys(info.id).meta, LEASE_INDEX],
    args: [JSON.stringify(info), owner, leaseMs, leaseCheckMs(leaseMs), keepMs, info.id],
  });
}

/**
 * Appends an event to its run's stream (created with its expiry). Rejects when it was not
 * written: Redis failed, or the run is no longer this owner's running run with a current lease,
 * so that nothing enters a log after another instance may have ended it.
 */
export async function appendEvent(
  redis: Redis,
  event: SequencedEvent,
  { owner, keepMs }: Omit<OwnerWrite, "leaseMs">,
): Promise<void> {
  const keys = runKeys(event.runId);
  const written = await runScript(redis, APPEND, {
    keys: [keys.meta, keys.events],
    args: [event.seq, JSON.stringify(event), owner, keepMs],
  });
  if (written !== 1) throw new SharedUnavailableError("The run's lease is gone");
}
