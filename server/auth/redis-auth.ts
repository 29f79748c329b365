/**
 * Grants, the audit trail, tickets and presence on Redis, shared by every instance:
 * - `sw:access:<kind>:<id>` hash: `owner` → sub (set once), `observer:<sub>` → since;
 * - `sw:audit` stream: one entry per decision, field `e` = the entry JSON (append-only);
 * - `sw:ticket:<id>` string with a TTL, taken with GETDEL so that it answers once;
 * - `sw:watchers:<runId>` hash: `<instance>:<n>` → `{watcher, until}`, renewed while attached.
 */
import type { Redis } from "ioredis";
import type { Clock, TimerHandle } from "../runs/timers.ts";
import { guarded } from "../storage/redis-errors.ts";
import { KEY_PREFIX, leaseRenewMs } from "../storage/redis-layout.ts";
import {
  type AuditEntry,
  type AuthStorage,
  distinctWatchers,
  type Watcher,
} from "./auth-storage.ts";

const AUDIT_KEY = `${KEY_PREFIX}audit`;
// Entries read per XRANGE while filtering the trail.
const AUDIT_PAGE = 1000;

/** What presence needs: this instance's id and how long an unrenewed entry lasts. */
export interface RedisAuthOptions {
  instanceId: string;
  leaseMs: number;
  clock: Clock;
}

/** The auth stores over `redis` (the command connection). */
export function redisAuth(redis: Redis, options: RedisAuthOptions): AuthStorage {
  const accessKey = (kind: string, id: string) => `${KEY_PREFIX}access:${kind}:${id}`;
  return {
    grants: {
      setOwner: (kind, id, { sub }) =>
        guarded(async () => void await redis.hsetnx(accessKey(kind, id), "owner", sub)),
      holders: (kind, id) =>
        guarded(async () => {
          const hash = await redis.hgetall(accessKey(kind, id));
          const observers = Object.entries(hash)
            .filter(([field]) => field.startsWith("observer:"))
            .sort((a, b) => Number(a[1]) - Number(b[1]))
            .map(([field]) => field.slice("observer:".length));
          return { ...(hash.owner ? { owner: hash.owner } : {}), observers };
        }),
      grant: (kind, id, { sub, since }) =>
        guarded(async () =>
          void await redis.hsetnx(accessKey(kind, id), `observer:${sub}`, String(since))
        ),
    },
    audit: {
      append: (entry) =>
        guarded(async () => void await redis.xadd(AUDIT_KEY, "*", "e", JSON.stringify(entry))),
      query: ({ runId, sub, since }, limit) =>
        guarded(async () => {
          const found: AuditEntry[] = [];
          let start = since === undefined ? "-" : `${Math.max(0, Math.floor(since) - 1000)}-0`;
          while (found.length < limit) {
            const page = await redis.xrange(AUDIT_KEY, start, "+", "COUNT", AUDIT_PAGE);
            for (const [, fields] of page) {
              const entry = JSON.parse(fields[1]) as AuditEntry;
              if (runId !== undefined && entry.runId !== runId) continue;
              if (sub !== undefined && entry.sub !== sub) continue;
              if (since !== undefined && entry.ts < since) continue;
              if (found.push(entry) === limit) break;
            }
            if (page.length < AUDIT_PAGE) break;
            start = `(${page[page.length - 1][0]}`;
          }
          return found;
        }),
    },
    tickets: {
      put: (id, grant, ttlMs) =>
        guarded(async () =>
          void await redis.set(`${KEY_PREFIX}ticket:${id}`, JSON.stringify(grant), "PX", ttlMs)
        ),
      take: (id) =>
        guarded(async () => {
          const value = await redis.getdel(`${KEY_PREFIX}ticket:${id}`);
          return value === null ? undefined : JSON.parse(value);
        }),
    },
    presence: redisPresence(redis, options),
  };
}

/** Presence entries this instance renews every third of the lease until the viewer leaves. */
function redisPresence(redis: Redis, { instanceId, leaseMs, clock }: RedisAuthOptions) {
  const key = (runId: string) => `${KEY_PREFIX}watchers:${runId}`;
  const mine = new Map<string, { runId: string; watcher: Watcher }>();
  let next = 0;
  let timer: TimerHandle | undefined;
  const write = (field: string, runId: string, watcher: Watcher) => {
    const until = clock.now() + leaseMs;
    return redis.multi()
      .hset(key(runId), field, JSON.stringify({ watcher, until }))
      .pexpire(key(runId), leaseMs * 2)
      .exec();
  };
  const renew = () => {
    timer = mine.size === 0 ? undefined : clock.setTimeout(renew, leaseRenewMs(leaseMs));
    for (const [field, { runId, watcher }] of mine) {
      write(field, runId, watcher).catch(() => {});
    }
  };
  return {
    enter(runId: string, watcher: Watcher) {
      const field = `${instanceId}:${next++}`;
      mine.set(field, { runId, watcher });
      write(field, runId, watcher).catch(() => {});
      timer ??= clock.setTimeout(renew, leaseRenewMs(leaseMs));
      return () => {
        if (!mine.delete(field)) return;
        redis.hdel(key(runId), field).catch(() => {});
      };
    },
    list: (runId: string) =>
      guarded(async () => {
        const now = clock.now();
        const entries = Object.values(await redis.hgetall(key(runId)))
          .map((value) => JSON.parse(value) as { watcher: Watcher; until: number })
          .filter(({ until }) => until >= now);
        return distinctWatchers(entries.map(({ watcher }) => watcher));
      }),
    close() {
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
