/**
 * The pure side of the Redis layout (docs/scale-out.md): key names, stream entry ids derived
 * from seq, how a run's metadata hash reads, and the lease timings. No I/O here.
 */
import type { RunInfo, RunStatus } from "../runs/run.ts";

/** Every key the server writes starts with this. */
export const KEY_PREFIX = "sw:";

/** The pub/sub channel cancel requests travel on (the message is the run id). */
export const CANCEL_CHANNEL = `${KEY_PREFIX}cancel`;

/** Sorted set: run id → lease end (Redis's clock, epoch ms) of every running run. */
export const LEASE_INDEX = `${KEY_PREFIX}runs:leases`;

/** The keys of one run. */
export function runKeys(runId: string) {
  const base = `${KEY_PREFIX}run:${runId}`;
  return {
    /** Hash: info, status, owner, lastSeq, leaseUntil (Redis's clock). */
    meta: base,
    /** Stream: one entry per event, id `<seq>-0`, field `e` = the event JSON. */
    events: `${base}:events`,
    /** Sorted set: instance id → until when (Redis's clock) that instance has viewers. */
    viewers: `${base}:viewers`,
    /** String: the durable log `{info, events}` of a finished run (no expiry). */
    log: `${KEY_PREFIX}runlog:${runId}`,
  };
}

/** The keys of one conversation. */
export function conversationKeys(conversationId: string) {
  const base = `${KEY_PREFIX}conv:${conversationId}`;
  return {
    /** Hash: id, caseId?, createdAt. */
    meta: base,
    /** List of message JSON, oldest first. */
    messages: `${base}:messages`,
  };
}

/** The stream entry id of the event with this seq. */
export function entryId(seq: number): string {
  return `${seq}-0`;
}

/** The seq an entry id stands for; undefined for ids this server never writes. */
export function seqOfEntry(id: string): number | undefined {
  const match = /^(\d+)-0$/.exec(id);
  if (!match) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** A run's metadata hash as read back (the lease is judged in Redis, see redis-lua.ts). */
export interface RunMeta {
  info: RunInfo;
  status: RunStatus | "lost";
  owner: string;
  lastSeq: number;
}

const STATUSES: readonly RunMeta["status"][] = [
  "running",
  "complete",
  "cancelled",
  "error",
  "lost",
];

/** A status as Redis holds it; undefined when it is not one. */
export function statusOf(value: unknown): RunMeta["status"] | undefined {
  return STATUSES.find((s) => s === value);
}

/** Reads a metadata hash (HGETALL's answer); undefined when absent or not ours. */
export function parseMeta(hash: Record<string, string>): RunMeta | undefined {
  const status = statusOf(hash.status);
  if (hash.info === undefined || status === undefined) return undefined;
  try {
    return {
      info: JSON.parse(hash.info) as RunInfo,
      status,
      owner: hash.owner ?? "",
      lastSeq: Number(hash.lastSeq ?? 0),
    };
  } catch {
    return undefined;
  }
}

/**
 * How often followers look at a quiet run's lease: a sixth of the lease, between 10 ms and 1 s.
 * It is also how long one blocking read waits.
 */
export function leaseCheckMs(leaseMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(leaseMs / 6)));
}

/** How often the owner renews its leases (and this instance its presence). */
export function leaseRenewMs(leaseMs: number): number {
  return Math.max(1, Math.floor(leaseMs / 3));
}
