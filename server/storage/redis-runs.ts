/**
 * The shared run log on Redis (docs/scale-out.md): one stream per run with entry ids `<seq>-0`,
 * a metadata hash with the owner's lease, a sorted set of the instances that have viewers, a
 * durable copy of each finished log, and cancel requests on pub/sub. This file wires the pieces,
 * and sweeps: every instance ends, once, the runs whose lease lapsed, watched or not.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import { randomId } from "../runs/ids.ts";
import type { Follow, SharedRuns } from "../runs/shared-runs.ts";
import type { Clock } from "../runs/timers.ts";
import { listenForCancels, requestCancel } from "./redis-cancel.ts";
import { type EndingOptions, finishRun, lapsedRuns, runStanding } from "./redis-ending.ts";
import { guarded } from "./redis-errors.ts";
import { followConnection, followRun } from "./redis-follow.ts";
import { leaseCheckMs } from "./redis-layout.ts";
import { redisLeases } from "./redis-leases.ts";
import { loadRun } from "./redis-load.ts";
import { appendEvent, publishRun } from "./redis-publish.ts";
import { untilAnswered } from "./redis-retry.ts";

/** Timings and connections of the shared log. */
export interface RedisRunsOptions {
  instanceId: string;
  /** A run whose owner has not renewed its lease for this long is lost. */
  leaseMs: number;
  /** Live keys of a finished run expire after this long (its durable log stays). */
  runTtlMs: number;
  /** Durable records expire after this long (RETENTION_DAYS); 0 keeps them. */
  durableMs: number;
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
  const checkMs = leaseCheckMs(leaseMs);
  const ending: EndingOptions = { ttlMs: runTtlMs, durableMs: options.durableMs, newId: randomId };
  // An ending whose answer a stall withheld is asked again until Redis answers.
  const retry = { clock, everyMs: checkMs, forMs: keepMs };
  const leases = redisLeases(redis, { instanceId, leaseMs, keepMs, clock, log });
  const cancels = listenForCancels(options.connect(), { owns: leases.owns, log });
  const follows = new Set<Follow>();
  let closed = false;

  const sweep = async () => {
    for (const runId of await lapsedRuns(redis)) {
      const standing = await runStanding(redis, runId, ending);
      if (standing?.ended) log("run_lost", { runId, by: "sweep" });
    }
  };
  let sweeping = clock.setTimeout(function next() {
    sweep().catch(() => {}).finally(() => {
      if (!closed) sweeping = clock.setTimeout(next, checkMs);
    });
  }, checkMs);

  return {
    instanceId,
    publish: (info) =>
      guarded(async () => {
        const sentAt = clock.now();
        await publishRun(redis, info, { owner: instanceId, leaseMs, keepMs });
        leases.own(info.id, sentAt);
      }),
    append: (event, failed) =>
      void appendEvent(redis, event, { owner: instanceId, keepMs }).catch(failed),
    finish(info, status, events) {
      leases.release(info.id);
      // A log that ends without its own stream_done was lost here: it ends as lost everywhere.
      const lost = events.at(-1)?.seq === 0;
      const owner = { ...ending, owner: instanceId };
      return guarded(async () => {
        const standing = await untilAnswered(
          () =>
            lost
              ? runStanding(redis, info.id, owner)
              : finishRun(redis, { info, status, events }, owner),
          retry,
        );
        if (standing?.status !== (lost ? "lost" : status)) {
          log("run_ended_elsewhere", { runId: info.id, status: standing?.status ?? "expired" });
        }
      });
    },
    presence: leases.presence,
    watchedElsewhere: leases.watchedElsewhere,
    load: (runId) => guarded(() => loadRun(redis, runId, ending)),
    follow(runId, afterSeq, handlers) {
      const follow = followRun(runId, afterSeq, {
        connection: followConnection(options.connect(), { runId, ready: options.ready }),
        standing: async () => (await runStanding(redis, runId, ending))?.status,
        handlers,
        onStop: () => follows.delete(follow),
        clock,
        leaseMs,
        log,
      });
      follows.add(follow);
      return follow;
    },
    requestCancel: (runId) => guarded(() => requestCancel(redis, runId, { clock, ending })),
    onCancel: cancels.onCancel,
    onLost: leases.onLost,
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
      clock.clearTimeout(sweeping);
      leases.stop();
      for (const follow of [...follows]) follow.stop();
      cancels.close();
    },
  };
}
