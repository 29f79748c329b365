/**
 * The shared run log on Redis (docs/scale-out.md): one stream per run with entry ids `<seq>-0`,
 * a metadata hash with the owner's lease, a sorted set of the instances that have viewers, a
 * durable copy of each finished log, and cancel requests on pub/sub.
 */
import type { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { Logger } from "../log.ts";
import type { RunInfo, RunStatus } from "../runs/run.ts";
import type { Follow, SharedRun, SharedRuns } from "../runs/shared-runs.ts";
import { SharedUnavailableError } from "../runs/shared-runs.ts";
import { guarded } from "./redis-errors.ts";
import { followRun } from "./redis-follow.ts";
import {
  CANCEL_CHANNEL,
  effectiveStatus,
  entryId,
  leaseExpiry,
  leaseRenewMs,
  metaFields,
  parseMeta,
  runKeys,
} from "./redis-layout.ts";

/** Timings of the shared log. */
export interface RedisRunsOptions {
  instanceId: string;
  /** A run whose owner has not renewed its lease for this long is lost. */
  leaseMs: number;
  /** Live keys of a finished run expire after this long (its durable log stays). */
  runTtlMs: number;
  log: Logger;
  /** Opens another connection like the main one (blocking reads need their own). */
  connect(): Redis;
  /** Resolves once a connection is ready; rejects after `timeoutMs`. */
  ready(redis: Redis, timeoutMs: number): Promise<void>;
}

// How long a cancel request waits for the owner to record the cancel.
const CANCEL_WAIT_MS = 2000;
const CANCEL_POLL_MS = 15;
// Marks a run lost only if it is still running (another instance may have won the race).
const MARK_LOST =
  "if redis.call('hget', KEYS[1], 'status') == 'running' then redis.call('hset', KEYS[1], 'status', 'lost') end";

/** The shared run log over `redis` (the command connection); `close` stops its timers. */
export function redisRuns(redis: Redis, options: RedisRunsOptions): SharedRuns {
  const { instanceId, leaseMs, runTtlMs, log } = options;
  const keep = leaseMs + runTtlMs;
  const owned = new Set<string>();
  const watching = new Set<string>();
  const follows = new Set<Follow>();
  const cancelHandlers: ((runId: string) => void)[] = [];
  let closed = false;
  let renewing = true;

  const subscriber = options.connect();
  subscriber.on("message", (channel: string, runId: string) => {
    if (channel !== CANCEL_CHANNEL || !owned.has(runId)) return;
    for (const handler of cancelHandlers) handler(runId);
  });
  // On every (re)connect: SUBSCRIBE is idempotent, and commands fail fast while disconnected.
  subscriber.on("ready", () => {
    subscriber.subscribe(CANCEL_CHANNEL).catch(() => log("redis_subscribe_failed", {}));
  });

  // Renews the leases of owned runs and the presence of this instance's viewers.
  const renew = setInterval(() => {
    const now = Date.now();
    const batch = redis.pipeline();
    for (const runId of owned) {
      const keys = runKeys(runId);
      batch.hset(keys.meta, "leaseUntil", String(leaseExpiry(now, leaseMs)));
      for (const key of [keys.meta, keys.events, keys.viewers]) batch.pexpire(key, keep);
    }
    for (const runId of watching) {
      batch.zadd(runKeys(runId).viewers, now + leaseMs, instanceId);
    }
    if (batch.length === 0) return;
    batch.exec().then(() => (renewing = true), () => {
      // Once per outage: the connection's own error log says the rest.
      if (renewing) log("redis_renew_failed", { runs: owned.size });
      renewing = false;
    });
  }, leaseRenewMs(leaseMs));

  const loadMeta = async (runId: string) => parseMeta(await redis.hgetall(runKeys(runId).meta));

  const markLost = (runId: string) => redis.eval(MARK_LOST, 1, runKeys(runId).meta);

  return {
    instanceId,

    publish: (info) =>
      guarded(async () => {
        const keys = runKeys(info.id);
        const result = await redis.multi()
          .hset(keys.meta, metaFields(info, instanceId, leaseExpiry(Date.now(), leaseMs)))
          .pexpire(keys.meta, keep)
          .exec();
        if (!result || result.some(([error]) => error)) {
          throw new SharedUnavailableError("Publishing the run failed");
        }
        owned.add(info.id);
      }),

    append(event, failed) {
      const keys = runKeys(event.runId);
      redis.multi()
        .xadd(keys.events, entryId(event.seq), "e", JSON.stringify(event))
        .hset(keys.meta, "lastSeq", String(event.seq))
        .exec()
        .then((result) => {
          if (!result || result.some(([error]) => error)) failed();
        }, failed);
    },

    finish: (info: RunInfo, status: RunStatus, events: readonly SequencedEvent[]) =>
      guarded(async () => {
        owned.delete(info.id);
        const keys = runKeys(info.id);
        await redis.multi()
          .set(keys.log, JSON.stringify({ info, events }))
          .hset(keys.meta, "status", status)
          .pexpire(keys.meta, runTtlMs)
          .pexpire(keys.events, runTtlMs)
          .pexpire(keys.viewers, runTtlMs)
          .exec();
      }),

    presence(runId, count) {
      const key = runKeys(runId).viewers;
      if (count > 0) {
        if (watching.has(runId)) return;
        watching.add(runId);
        // Later renewals come from the lease timer.
        redis.zadd(key, Date.now() + leaseMs, instanceId).catch(() => {});
      } else if (watching.delete(runId)) {
        redis.zrem(key, instanceId).catch(() => {});
      }
    },

    async watchedElsewhere(runId) {
      try {
        const members = await redis.zrangebyscore(runKeys(runId).viewers, Date.now(), "+inf");
        return members.some((member) => member !== instanceId);
      } catch {
        return true;
      }
    },

    load: (runId) =>
      guarded(async (): Promise<SharedRun | undefined> => {
        const keys = runKeys(runId);
        const meta = await loadMeta(runId);
        if (!meta) {
          const stored = await redis.get(keys.log);
          if (stored === null) return undefined;
          const { info, events } = JSON.parse(stored) as {
            info: RunInfo;
            events: SequencedEvent[];
          };
          return { info, status: "complete", events };
        }
        const entries = await redis.xrange(keys.events, "-", "+");
        const events = entries.map(([, fields]) => JSON.parse(fields[1]) as SequencedEvent);
        const status = effectiveStatus(meta, Date.now());
        if (status === "lost" && meta.status === "running") await markLost(runId);
        return { info: meta.info, status, events };
      }),

    follow(runId, afterSeq, handlers) {
      const follow = followRun(runId, afterSeq, {
        ...options,
        handlers,
        loadMeta,
        markLost,
        forget: () => follows.delete(follow),
      });
      follows.add(follow);
      return follow;
    },

    requestCancel: (runId) =>
      guarded(async () => {
        const meta = await loadMeta(runId);
        if (!meta) return (await redis.exists(runKeys(runId).log)) ? "finished" : "not_found";
        if (effectiveStatus(meta, Date.now()) !== "running") return "finished";
        await redis.publish(CANCEL_CHANNEL, runId);
        const deadline = Date.now() + CANCEL_WAIT_MS;
        while (Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
          const now = await loadMeta(runId);
          if (!now || now.status === "running") continue;
          return now.status === "cancelled" ? "cancelled" : "finished";
        }
        throw new SharedUnavailableError("The run's instance did not answer the cancel");
      }),

    onCancel(handler) {
      cancelHandlers.push(handler);
    },

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
      clearInterval(renew);
      for (const follow of [...follows]) follow.stop();
      subscriber.disconnect();
    },
  };
}
