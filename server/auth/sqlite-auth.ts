/**
 * Grants and the audit trail in SQLite (`node:sqlite`), in the database that holds the runs.
 * The audit table is append-only: triggers refuse every UPDATE and DELETE.
 */
import { openDatabase } from "../storage/sqlite-database.ts";
import type { AuditEntry, AuditTrail, GrantStore } from "./auth-storage.ts";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS access_grants (
    kind TEXT NOT NULL, id TEXT NOT NULL, sub TEXT NOT NULL, role TEXT NOT NULL,
    since REAL NOT NULL, PRIMARY KEY (kind, id, sub));
  CREATE TABLE IF NOT EXISTS audit (
    position INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, sub TEXT NOT NULL,
    action TEXT NOT NULL, run_id TEXT, conversation_id TEXT, case_id TEXT,
    outcome TEXT NOT NULL, ip TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS audit_by_run ON audit(run_id, position);
  CREATE INDEX IF NOT EXISTS audit_by_sub ON audit(sub, position);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

/** Grants and audit over the database at `path` (a file, or `:memory:`); `close` closes it. */
export function openSqliteAuth(path: string): {
  grants: GrantStore;
  audit: AuditTrail;
  close(): void;
} {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  // An owner is recorded once: a second owner for the same id is ignored, never replaces it.
  const insertGrant = db.prepare(
    "INSERT OR IGNORE INTO access_grants (kind, id, sub, role, since) VALUES (?, ?, ?, ?, ?)",
  );
  const ownerRow = db.prepare(
    "SELECT sub FROM access_grants WHERE kind = ? AND id = ? AND role = 'owner' LIMIT 1",
  );
  const observerRows = db.prepare(
    "SELECT sub FROM access_grants WHERE kind = ? AND id = ? AND role = 'observer' ORDER BY since",
  );
  const insertAudit = db.prepare(
    `INSERT INTO audit (ts, sub, action, run_id, conversation_id, case_id, outcome, ip)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectAudit = db.prepare(
    `SELECT ts, sub, action, run_id, conversation_id, case_id, outcome, ip FROM audit
     WHERE (:runId IS NULL OR run_id = :runId) AND (:sub IS NULL OR sub = :sub)
       AND (:since IS NULL OR ts >= :since)
     ORDER BY position LIMIT :limit`,
  );

  return {
    grants: {
      setOwner(kind, id, { sub, since }) {
        insertGrant.run(kind, id, sub, "owner", since);
        return Promise.resolve();
      },
      holders(kind, id) {
        const owner = ownerRow.get(kind, id) as { sub: string } | undefined;
        const observers = (observerRows.all(kind, id) as { sub: string }[]).map((r) => r.sub);
        return Promise.resolve({ ...(owner ? { owner: owner.sub } : {}), observers });
      },
      grant(kind, id, { sub, since }) {
        insertGrant.run(kind, id, sub, "observer", since);
        return Promise.resolve();
      },
    },
    audit: {
      append(e) {
        insertAudit.run(
          e.ts,
          e.sub,
          e.action,
          e.runId ?? null,
          e.conversationId ?? null,
          e.caseId ?? null,
          e.outcome,
          e.ip,
        );
        return Promise.resolve();
      },
      query({ runId, sub, since }, limit) {
        const rows = selectAudit.all({
          runId: runId ?? null,
          sub: sub ?? null,
          since: since ?? null,
          limit,
        }) as Record<string, string | number | null>[];
        return Promise.resolve(rows.map(entryOf));
      },
    },
    close: () => db.close(),
  };
}

function entryOf(row: Record<string, string | number | null>): AuditEntry {
  const optional = (key: string, name: string) =>
    row[key] === null ? {} : { [name]: String(row[key]) };
  return {
    ts: Number(row.ts),
    sub: String(row.sub),
    action: row.action as AuditEntry["action"],
    ...optional("run_id", "runId"),
    ...optional("conversation_id", "conversationId"),
    ...optional("case_id", "caseId"),
    outcome: row.outcome as AuditEntry["outcome"],
    ip: String(row.ip),
  };
}
