/**
 * What this instance keeps alive in Redis on its clock: the leases of the runs it owns (so other
 * instances can tell a dead owner) and its presence among the viewers of runs (so an owner's
 * orphan sweep spares a run watched elsewhere). One timer renews both.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { Clock } from "../runs/timers.ts";
import { leaseExpiry, leaseRenewMs, runKeys } from "./redis-layout.ts";

/** The leases and presence of this instance. */
export interface Leases {
  /** Starts renewing the lease of a run just published by this instance. */
  own(runId: string): void;
  /** Stops renewing a run's lease (it ended). */
  release(runId: string): void;
  /** Whether this instance owns a running run. */
  owns(runId: string): boolean;
  /** This instance now has `count` viewers of a run. */
  presence(runId: string, count: number): void;
  /** Whether any other instance has viewers of the run; true when unsure. */
  watchedElsewhere(runId: string): Promise<boolean>;
  /** Stops the renewals. */
  stop(): void;
}

/** What renewing needs. */
export interface LeaseOptions {
  instanceId: string;
  leaseMs: number;
  /** How long an owned run's live keys are kept past each renewal. */
  keepMs: number;
  clock: Clock;
  log: Logger;
}

/** Starts renewing, every third of the lease, on `redis` (the command connection). */
export function redisLeases(redis: Redis, options: LeaseOptions): Leases {
  const { instanceId, leaseMs, keepMs, clock, log } = options;
  const owned = new Set<string>();
  const watching = new Set<string>();
  let renewing = true;

  const renew = () => {
    const now = clock.now();
    const batch = redis.pipeline();
    for (const runId of owned) {
      const keys = runKeys(runId);
      batch.hset(keys.meta, "leaseUntil", String(leaseExpiry(now, leaseMs)));
      for (const key of [keys.meta, keys.events, keys.viewers]) batch.pexpire(key, keepMs);
    }
    for (const runId of watching) batch.zadd(runKeys(runId).viewers, now + leaseMs, instanceId);
    if (batch.length === 0) return;
    batch.exec().then(() => (renewing = true), () => {
      // Once per outage: the connection's own error log says the rest.
      if (renewing) log("redis_renew_failed", { runs: owned.size });
      renewing = false;
    });
  };
  const every = leaseRenewMs(leaseMs);
  const tick = () => {
    timer = clock.setTimeout(tick, every);
    renew();
  };
  let timer = clock.setTimeout(tick, every);

  return {
    own: (runId) => void owned.add(runId),
    release: (runId) => void owned.delete(runId),
    owns: (runId) => owned.has(runId),
    presence(runId, count) {
      const key = runKeys(runId).viewers;
      if (count > 0) {
        if (watching.has(runId)) return;
        watching.add(runId);
        // Later renewals come from the timer.
        redis.zadd(key, clock.now() + leaseMs, instanceId).catch(() => {});
      } else if (watching.delete(runId)) {
        redis.zrem(key, instanceId).catch(() => {});
      }
    },
    async watchedElsewhere(runId) {
      try {
        const members = await redis.zrangebyscore(runKeys(runId).viewers, clock.now(), "+inf");
        return members.some((member) => member !== instanceId);
      } catch {
        return true;
      }
    },
    stop: () => clock.clearTimeout(timer),
  };
}
