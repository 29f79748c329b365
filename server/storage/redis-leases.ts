/**
 * What this instance keeps alive in Redis: the leases of the runs it owns (so other instances can
 * tell a dead owner) and its presence among the viewers of runs (so an owner's orphan sweep spares
 * a run watched elsewhere). Both are stamped and judged with Redis's clock; one timer renews both.
 *
 * The owner also fences itself: a lease renewed by a command sent at `t` lasts at least until
 * `t + leaseMs - leaseCheckMs(leaseMs)`, so once that passes without a newer renewal answered, or
 * when Redis refuses a renewal, the run is told lost here no later than anywhere else.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";
import { LEASE_INDEX, leaseCheckMs, leaseRenewMs, runKeys } from "./redis-layout.ts";
import { PRESENCE, RENEW, WATCHED } from "./redis-lua.ts";
import { runScript } from "./redis-script.ts";

/** The leases and presence of this instance. */
export interface Leases {
  /** Starts renewing the lease of a run whose publish was sent at `sentAt` and answered. */
  own(runId: string, sentAt: number): void;
  /** Stops renewing a run's lease (it ended). */
  release(runId: string): void;
  /** Whether this instance owns a running run. */
  owns(runId: string): boolean;
  /** Registers the handler told of an owned run whose lease is gone. */
  onLost(handler: (runId: string) => void): void;
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
  const checkMs = leaseCheckMs(leaseMs);
  /** Owned runs → local time until which their lease surely holds. */
  const owned = new Map<string, number>();
  const watching = new Set<string>();
  const handlers: ((runId: string) => void)[] = [];
  let renewing = true;
  let fence: TimerHandle | undefined;

  const lose = (runId: string) => {
    if (!owned.delete(runId)) return;
    for (const handler of handlers) handler(runId);
  };
  const armFence = () => {
    clock.clearTimeout(fence);
    if (owned.size === 0) return;
    const due = Math.min(...owned.values());
    fence = clock.setTimeout(() => {
      const now = clock.now();
      for (const [runId, until] of owned) if (until <= now) lose(runId);
      armFence();
    }, Math.max(0, due - clock.now()));
  };

  const renew = () => {
    const sent = clock.now();
    const runs = [...owned.keys()];
    if (runs.length > 0) {
      const keys = runs.flatMap((runId) => {
        const { meta, events, viewers } = runKeys(runId);
        return [meta, events, viewers];
      });
      runScript(redis, RENEW, {
        keys: [LEASE_INDEX, ...keys],
        args: [instanceId, leaseMs, checkMs, keepMs, ...runs],
      }).then((answers) => {
        renewing = true;
        runs.forEach((runId, i) => {
          if (!owned.has(runId)) return;
          if ((answers as number[])[i] === 1) owned.set(runId, sent + leaseMs - checkMs);
          else lose(runId);
        });
        armFence();
      }, () => {
        // Once per outage: the connection's own error log says the rest.
        if (renewing) log("redis_renew_failed", { runs: owned.size });
        renewing = false;
      });
    }
    if (watching.size > 0) mark([...watching]);
  };
  const mark = (runIds: string[]) =>
    runScript(redis, PRESENCE, {
      keys: runIds.map((runId) => runKeys(runId).viewers),
      args: [instanceId, leaseMs, keepMs],
    }).catch(() => {});
  const every = leaseRenewMs(leaseMs);
  const tick = () => {
    timer = clock.setTimeout(tick, every);
    renew();
  };
  let timer = clock.setTimeout(tick, every);

  return {
    own(runId, sentAt) {
      owned.set(runId, sentAt + leaseMs - checkMs);
      armFence();
    },
    release: (runId) => void owned.delete(runId),
    owns: (runId) => owned.has(runId),
    onLost: (handler) => void handlers.push(handler),
    presence(runId, count) {
      if (count > 0) {
        if (watching.has(runId)) return;
        watching.add(runId);
        // Later renewals come from the timer.
        void mark([runId]);
      } else if (watching.delete(runId)) {
        redis.zrem(runKeys(runId).viewers, instanceId).catch(() => {});
      }
    },
    async watchedElsewhere(runId) {
      try {
        const watched = await runScript(redis, WATCHED, {
          keys: [runKeys(runId).viewers],
          args: [instanceId],
        });
        return watched === 1;
      } catch {
        return true;
      }
    },
    stop() {
      clock.clearTimeout(timer);
      clock.clearTimeout(fence);
    },
  };
}
