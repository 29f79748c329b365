/**
 * The shared run log on Redis (docs/scale-out.md): one stream per run with entry ids `<seq>-0`,
 * a metadata hash with the owner's lease, a sorted set of the instances that have viewers, a
 * durable copy of each finished log, and cancel requests on pub/sub. This file wires the pieces.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { Follow, SharedRuns } from "../runs/shared-runs.ts";
import type { Clock } from "../runs/timers.ts";
import { listenForCancels, requestCancel } from "./redis-cancel.ts";
import { guarded } from "./redis-errors.ts";
import { followConnection, followRun } from "./redis-follow.ts";
import { leaseExpiry } from "./redis-layout.ts";
import { redisLeases } from "./redis-leases.ts";
import { loadRun, runStanding } from "./redis-load.ts";
import { appendEvent, finishRun, publishRun } from "./redis-publish.ts";

/** Timings and connections of the shared log. */
export interface RedisRunsOptions {
  instanceId: string;
  /** A run whose owner has not renewed its lease for this long is lost. */
  leaseMs: number;
  /** Live keys of a finished run expire after this long (its durable log stays). */
  runTtlMs: number;
  clock: Clock;
  log: Logger;
  /** Opens another connection like the main one (blocking reads need their own). */
  connect(): Redis;
  /** Resolves once a connection is ready; rejects after `timeoutMs`. */
  ready(redis: Redis, timeoutMs: number): Promise<void>;
}

/** The shared run log over `redis` (the command connection); `close` stops its timers. */
export function redisRuns(redis: Redis, options: RedisRunsOptions): SharedRuns {
  const { instanceId, leaseMs, runTtlMs, clock, log } = options;
  // A running run's live keys outlive a missed renewal, then the finished run's TTL.
  const keepMs = leaseMs + runTtlMs;
  const leases = redisLeases(redis, { instanceId, leaseMs, keepMs, clock, log });
  const cancels = listenForCancels(options.connect(), { owns: leases.owns, log });
  const follows = new Set<Follow>();
  let closed = false;

  return {
    instanceId,
    publish: (info) =>
      guarded(async () => {
        const leaseUntil = leaseExpiry(clock.now(), leaseMs);
        await publishRun(redis, info, { owner: instanceId, leaseUntil, keepMs });
        leases.own(info.id);
      }),
    append: (event, failed) => void appendEvent(redis, event).catch(failed),
    finish: (info, status, events) => {
      leases.release(info.id);
      return guarded(() => finishRun(redis, { info, status, events }, { ttlMs: runTtlMs }));
    },
    presence: leases.presence,
    watchedElsewhere: leases.watchedElsewhere,
    load: (runId) => guarded(() => loadRun(redis, { runId, now: clock.now() })),
    follow(runId, afterSeq, handlers) {
      const follow = followRun(runId, afterSeq, {
        connection: followConnection(options.connect(), { runId, ready: options.ready }),
        standing: async (now) => (await runStanding(redis, { runId, now }))?.status,
        handlers,
        onStop: () => follows.delete(follow),
        clock,
        leaseMs,
        log,
      });
      follows.add(follow);
      return follow;
    },
    requestCancel: (runId) => guarded(() => requestCancel(redis, runId, { clock })),
    onCancel: cancels.onCancel,
    async reachable() {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      leases.stop();
      for (const follow of [...follows]) follow.stop();
      cancels.close();
    },
  };
}
