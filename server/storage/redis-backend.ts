/**
 * Redis as the storage of a multi-instance deployment (REDIS_URL): the connections, the shared
 * run log and the conversations over them. Commands fail fast while Redis is unreachable (no
 * offline queue, a command timeout) so requests answer 503 instead of hanging; the client keeps
 * reconnecting, and service resumes when Redis is back.
 */
import { Redis } from "ioredis";
import type { AuthStorage } from "../auth/auth-storage.ts";
import { redisAuth } from "../auth/redis-auth.ts";
import type { Logger } from "../log.ts";
import type { SharedRuns } from "../runs/shared-runs.ts";
import { type Clock, systemClock } from "../runs/timers.ts";
import { redisConversations } from "./redis-conversations.ts";
import { leaseCheckMs } from "./redis-layout.ts";
import { redisRuns } from "./redis-runs.ts";
import type { Conversations } from "./store.ts";

/** Runs and conversations on Redis. */
export interface RedisBackend {
  runs: SharedRuns;
  conversations: Conversations;
  /** Grants, audit, tickets and presence shared by every instance (absent in test doubles). */
  auth?: AuthStorage;
  /** Stops the lease timers and follows, sends what is queued, then closes the connections. */
  close(): Promise<void>;
}

/** What connecting needs. */
export interface RedisBackendOptions {
  url: string;
  instanceId: string;
  leaseMs: number;
  runTtlMs: number;
  log: Logger;
  /** RETENTION_DAYS: durable records (conversations, finished logs) expire after it. */
  retentionDays?: number;
  /** Times leases, follows and waits; the real clock unless a test injects one. */
  clock?: Clock;
}

// A command unanswered this long fails (a blocking read adds its own block time).
const COMMAND_TIMEOUT_MS = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;
// How long start-up waits for Redis before serving anyway (health then reports it unreachable).
const START_WAIT_MS = 5000;

/** Connects to Redis; resolves once connected, or after START_WAIT_MS with the client retrying. */
export async function connectRedisBackend(options: RedisBackendOptions): Promise<RedisBackend> {
  const { url, log, clock = systemClock } = options;
  const ready = (client: Redis, timeoutMs: number) => readyOn(client, { timeoutMs, clock });
  const open = (extra: { commandTimeout?: number; enableOfflineQueue?: boolean } = {}) => {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      // A command is never resent after a reconnect: a late XADD could leave a gap.
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(50 * times, 500),
      ...extra,
    });
    watchHealth(client, log);
    return client;
  };
  const main = open();
  try {
    await ready(main, START_WAIT_MS);
  } catch {
    log("redis_unreachable", { waitedMs: START_WAIT_MS });
  }
  const durableMs = (options.retentionDays ?? 0) * DAY_MS;
  const runs = redisRuns(main, {
    instanceId: options.instanceId,
    leaseMs: options.leaseMs,
    runTtlMs: options.runTtlMs,
    durableMs,
    clock,
    log,
    connect: () =>
      // Blocking reads wait up to a sixth of the lease (at most 1 s) on their own connection;
      // the subscriber queues its SUBSCRIBE until connected.
      open({ commandTimeout: COMMAND_TIMEOUT_MS + Math.min(1000, options.leaseMs) }),
    ready,
  });
  return {
    runs,
    conversations: redisConversations(main, {
      durableMs,
      // Until the run's live keys would expire: a reply saved later has nothing to add to.
      retry: { clock, everyMs: leaseCheckMs(options.leaseMs), forMs: options.runTtlMs },
    }),
    auth: redisAuth(main, { instanceId: options.instanceId, leaseMs: options.leaseMs, clock }),
    async close() {
      runs.close();
      // QUIT is answered after every command sent before it: the last events are not lost.
      const timer = clock.setTimeout(() => main.disconnect(), COMMAND_TIMEOUT_MS);
      await main.quit().catch(() => main.disconnect());
      clock.clearTimeout(timer);
    },
  };
}

/** Resolves once `client` is ready; rejects after `timeoutMs`. */
function readyOn(
  client: Redis,
  { timeoutMs, clock }: { timeoutMs: number; clock: Clock },
): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      client.off("ready", done);
      reject(new Error("Redis not ready"));
    }, timeoutMs);
    const done = () => {
      clock.clearTimeout(timer);
      resolve();
    };
    client.once("ready", done);
  });
}

/** Logs transitions between reachable and unreachable once each, not every retry. */
function watchHealth(client: Redis, log: Logger): void {
  let down = false;
  client.on("error", (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log("redis_error", { error: error.code ?? error.name });
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log("redis_ready", {});
  });
}
