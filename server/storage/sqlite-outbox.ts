/**
 * The webhook outbox in SQLite (`node:sqlite`), beside the runs in the same database: a message is
 * written before any attempt to send it and stays until it is delivered, so none is lost across a
 * restart. Ids are stable (one message per run), so adding one twice keeps the first.
 */
import { openDatabase } from "./sqlite-database.ts";

/** A message waiting to be delivered. */
export interface OutboxMessage {
  id: string;
  /** The exact body to send. */
  payload: string;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch ms of the next attempt. */
  nextAt: number;
}

/** The durable queue of webhook messages. */
export interface Outbox {
  /** Adds a message due at `at`, unless one with its id exists. */
  add(id: string, payload: string, at: number): void;
  /** Pending messages due by `now`, oldest first. */
  due(now: number, limit: number): OutboxMessage[];
  /** Epoch ms of the earliest pending attempt, if any. */
  nextDue(): number | undefined;
  delivered(id: string, at: number): void;
  /** Records a failed attempt; the message is tried again at `nextAt`, or never when undefined. */
  failed(id: string, attempts: number, nextAt: number | undefined): void;
  /** Each message's state, for tests and operators. */
  state(id: string): "pending" | "delivered" | "failed" | undefined;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS webhook_outbox (
    id TEXT PRIMARY KEY, payload TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL, next_at REAL, created_at REAL NOT NULL, delivered_at REAL);
  CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(state, next_at);
`;

/** Opens (creating when needed) the outbox in the database at `path`: a file, or `:memory:`. */
export function openSqliteOutbox(path: string): Outbox {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO webhook_outbox (id, payload, state, attempts, next_at, created_at)
     VALUES (?, ?, 'pending', 0, ?, ?)`,
  );
  const selectDue = db.prepare(
    `SELECT id, payload, attempts, next_at FROM webhook_outbox
     WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, created_at LIMIT ?`,
  );
  const selectNext = db.prepare(
    "SELECT MIN(next_at) AS at FROM webhook_outbox WHERE state = 'pending'",
  );
  const markDelivered = db.prepare(
    "UPDATE webhook_outbox SET state = 'delivered', delivered_at = ? WHERE id = ?",
  );
  const markFailed = db.prepare(
    "UPDATE webhook_outbox SET attempts = ?, next_at = ?, state = ? WHERE id = ?",
  );
  const selectState = db.prepare("SELECT state FROM webhook_outbox WHERE id = ?");
  return {
    add(id, payload, at) {
      insert.run(id, payload, at, at);
    },
    due(now, limit) {
      return (selectDue.all(now, limit) as Record<string, string | number>[]).map((row) => ({
        id: String(row.id),
        payload: String(row.payload),
        attempts: Number(row.attempts),
        nextAt: Number(row.next_at),
      }));
    },
    nextDue() {
      const row = selectNext.get() as { at: number | null } | undefined;
      return row?.at ?? undefined;
    },
    delivered(id, at) {
      markDelivered.run(at, id);
    },
    failed(id, attempts, nextAt) {
      markFailed.run(attempts, nextAt ?? null, nextAt === undefined ? "failed" : "pending", id);
    },
    state(id) {
      const row = selectState.get(id) as { state: string } | undefined;
      return row?.state as "pending" | "delivered" | "failed" | undefined;
    },
    close() {
      db.close();
    },
  };
}
