/**
 * What authorization keeps, wherever it lives: who holds each run and conversation (owners of
 * conversations, observers of both), the audit trail, EventSource tickets and who is watching.
 * One implementation beside SQLite in this process, one on Redis for a cluster.
 */
import type { Access } from "./access.ts";

/** What access is recorded on. */
export type ResourceKind = "run" | "conversation";

/** Owners and observers, as recorded (a run's owner lives in its RunInfo instead). */
export interface GrantStore {
  /** Records the owner of a conversation, once, before it is created. */
  setOwner(kind: ResourceKind, id: string, owner: { sub: string; since: number }): Promise<void>;
  /** The owner and the observers of a resource. */
  holders(kind: ResourceKind, id: string): Promise<{ owner?: string; observers: string[] }>;
  /** Grants `sub` read access; granting twice keeps the first grant. */
  grant(kind: ResourceKind, id: string, grant: { sub: string; since: number }): Promise<void>;
}

/** The closed list of audited actions. */
export type AuditAction =
  | "start"
  | "attach"
  | "resume"
  | "replay"
  | "read"
  | "cancel"
  | "retry"
  | "message"
  | "grant"
  | "deny";

/** How a decision came out: allowed, answered as unknown, forbidden, or without valid token. */
export type AuditOutcome = "allowed" | "not_found" | "forbidden" | "unauthorized";

/** One line of the audit trail: ids and outcomes, never content. */
export interface AuditEntry {
  ts: number;
  sub: string;
  action: AuditAction;
  runId?: string;
  conversationId?: string;
  caseId?: string;
  outcome: AuditOutcome;
  ip: string;
}

/** Which entries to read: all filters optional, `since` in epoch ms (inclusive). */
export interface AuditFilter {
  runId?: string;
  sub?: string;
  since?: number;
}

/** The append-only audit trail. */
export interface AuditTrail {
  append(entry: AuditEntry): Promise<void>;
  /** Entries matching `filter`, oldest first, at most `limit`. */
  query(filter: AuditFilter, limit: number): Promise<AuditEntry[]>;
}

/** What a ticket stands for: one run, one caller, until the caller's credential expires. */
export interface TicketGrant {
  runId: string;
  sub: string;
  name?: string;
  roles: readonly string[];
  expiresAt: number;
}

/** Single-use tickets for EventSource, which cannot send headers. */
export interface TicketStore {
  /** Stores a ticket under `id` for `ttlMs`. */
  put(id: string, grant: TicketGrant, ttlMs: number): Promise<void>;
  /** Takes a ticket: it answers once, then never again. */
  take(id: string): Promise<TicketGrant | undefined>;
}

/** Someone attached to a run. */
export interface Watcher {
  sub: string;
  name?: string;
  role: Access;
  /** Epoch ms of the attach. */
  since: number;
}

/** Who is attached to which run, on every instance. */
export interface Presence {
  /** Records an attached viewer; the returned function records its leaving. */
  enter(runId: string, watcher: Watcher): () => void;
  /** The viewers attached now, one entry per user (the earliest attach). */
  list(runId: string): Promise<Watcher[]>;
  /** Stops timers. */
  close(): void;
}

/** The four stores together. */
export interface AuthStorage {
  grants: GrantStore;
  audit: AuditTrail;
  tickets: TicketStore;
  presence: Presence;
}

/** One entry per user, the earliest attach kept, ordered by it. */
export function distinctWatchers(watchers: Iterable<Watcher>): Watcher[] {
  const bySub = new Map<string, Watcher>();
  for (const watcher of watchers) {
    const seen = bySub.get(watcher.sub);
    if (!seen || watcher.since < seen.since) bySub.set(watcher.sub, watcher);
  }
  return [...bySub.values()].sort((a, b) => a.since - b.since || (a.sub < b.sub ? -1 : 1));
}
