/**
 * SQLite storage through `node:sqlite`: conversations, messages, the event logs of finished runs
 * (so a run replays after its in-memory TTL and after a restart), and checkpoints of live runs (so
 * a crash keeps their partial text).
 *
 * Text is stored as JSON string literals: SQLite's C interface cuts a string at U+0000 and
 * replaces lone surrogates, and JSON escapes both, so every string round-trips exactly. The
 * database file is created owner-only (0600); SQLite gives its WAL and shared-memory files the
 * same mode.
 */
import type { DatabaseSync } from "node:sqlite";
import { openDatabase } from "./sqlite-database.ts";
import type { RunInfo } from "../runs/run.ts";
import type { RunCheckpoint, Store, StoredConversation, StoredMessage } from "./store.ts";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, case_id TEXT, created_at REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations(id),
    role TEXT NOT NULL, content TEXT NOT NULL, reasoning TEXT NOT NULL, status TEXT NOT NULL,
    run_id TEXT NOT NULL, created_at REAL NOT NULL);
  CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, position);
  CREATE TABLE IF NOT EXISTS conversation_summaries (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id), covers INTEGER NOT NULL,
    text TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, info TEXT NOT NULL, events TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS run_checkpoints (
    id TEXT PRIMARY KEY, info TEXT NOT NULL, panels TEXT NOT NULL, last_seq INTEGER NOT NULL,
    updated_at REAL NOT NULL, lost INTEGER NOT NULL DEFAULT 0);
`;

/** Schema versions: 1 stores message text as JSON string literals. */
const MIGRATIONS = [
  "UPDATE messages SET content = json_quote(content), reasoning = json_quote(reasoning)",
];

/** Opens (creating when needed) the database at `path`: a file, or `:memory:`. */
export function openSqliteStore(path: string): Store {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  migrate(db);
  const transaction = <T>(work: () => T): T => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  };
  const insertConversation = db.prepare(
    "INSERT INTO conversations (id, case_id, created_at) VALUES (?, ?, ?)",
  );
  const selectConversation = db.prepare(
    "SELECT id, case_id, created_at FROM conversations WHERE id = ?",
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, role, content, reasoning, status, run_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectMessages = db.prepare(
    `SELECT id, role, content, reasoning, status, run_id, created_at FROM messages
     WHERE conversation_id = ? ORDER BY position`,
  );
  const insertRun = db.prepare("INSERT OR REPLACE INTO runs (id, info, events) VALUES (?, ?, ?)");
  const selectRun = db.prepare("SELECT info, events FROM runs WHERE id = ?");
  const upsertCheckpoint = db.prepare(
    `INSERT OR REPLACE INTO run_checkpoints (id, info, panels, last_seq, updated_at, lost)
     VALUES (?, ?, ?, ?, ?, 0)`,
  );
  const deleteCheckpoint = db.prepare("DELETE FROM run_checkpoints WHERE id = ?");
  const selectCheckpoint = db.prepare(
    "SELECT info, panels, last_seq, updated_at FROM run_checkpoints WHERE id = ? AND lost = 1",
  );
  const selectInterrupted = db.prepare(
    "SELECT info, panels, last_seq, updated_at FROM run_checkpoints WHERE lost = 0",
  );
  const markLost = db.prepare("UPDATE run_checkpoints SET lost = 1 WHERE id = ?");
  const selectReply = db.prepare(
    "SELECT 1 FROM messages WHERE run_id = ? AND role = 'assistant' LIMIT 1",
  );
  const purgeRuns = db.prepare("DELETE FROM runs WHERE json_extract(info, '$.createdAt') < ?");
  const purgeLost = db.prepare("DELETE FROM run_checkpoints WHERE lost = 1 AND updated_at < ?");
  // A conversation's age is that of its latest message: one in use is never purged.
  const staleConversations = `SELECT c.id FROM conversations c WHERE c.created_at < ?1 AND
    NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= ?1)`;
  const purgeMessages = db.prepare(
    `DELETE FROM messages WHERE conversation_id IN (${staleConversations})`,
  );
  const purgeSummaries = db.prepare(
    `DELETE FROM conversation_summaries WHERE conversation_id IN (${staleConversations})`,
  );
  const selectSummary = db.prepare(
    "SELECT covers, text FROM conversation_summaries WHERE conversation_id = ?",
  );
  const upsertSummary = db.prepare(
    `INSERT INTO conversation_summaries (conversation_id, covers, text) VALUES (?, ?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET covers = excluded.covers, text = excluded.text`,
  );
  const purgeConversations = db.prepare(
    `DELETE FROM conversations WHERE id IN (${staleConversations})`,
  );
  const saveMessage = (conversationId: string, m: StoredMessage) =>
    insertMessage.run(
      m.id,
      conversationId,
      m.role,
      JSON.stringify(m.content),
      JSON.stringify(m.reasoning),
      m.status,
      m.runId,
      m.createdAt,
    );

  return {
    createConversation({ id, caseId, createdAt }) {
      insertConversation.run(id, caseId ?? null, createdAt);
    },
    getConversation(id): StoredConversation | undefined {
      const row = selectConversation.get(id) as
        | { id: string; case_id: string | null; created_at: number }
        | undefined;
      if (!row) return undefined;
      const messages = (selectMessages.all(id) as Record<string, string | number>[]).map(
        (m): StoredMessage => ({
          id: String(m.id),
          role: m.role as StoredMessage["role"],
          content: JSON.parse(String(m.content)),
          reasoning: JSON.parse(String(m.reasoning)),
          status: m.status as StoredMessage["status"],
          runId: String(m.run_id),
          createdAt: Number(m.created_at),
        }),
      );
      return {
        id: row.id,
        ...(row.case_id === null ? {} : { caseId: row.case_id }),
        createdAt: row.created_at,
        messages,
      };
    },
    addMessage(conversationId, m) {
      saveMessage(conversationId, m);
    },
    saveRun(info: RunInfo, eventsJson: string) {
      transaction(() => {
        insertRun.run(info.id, JSON.stringify(info), eventsJson);
        deleteCheckpoint.run(info.id);
      });
    },
    checkpointRun({ info, panels, lastSeq, updatedAt }) {
      upsertCheckpoint.run(
        info.id,
        JSON.stringify(info),
        JSON.stringify(panels),
        lastSeq,
        updatedAt,
      );
    },
    loadLostRun(runId) {
      const row = selectCheckpoint.get(runId) as CheckpointRow | undefined;
      return row && checkpointOf(row);
    },
    recoverInterruptedRuns({ now, newId }) {
      return transaction(() => {
        const lost = (selectInterrupted.all() as unknown as CheckpointRow[]).map(checkpointOf);
        for (const { info, panels } of lost) {
          markLost.run(info.id);
          if (info.conversationId === undefined || selectReply.get(info.id)) continue;
          saveMessage(info.conversationId, {
            id: newId(),
            role: "assistant",
            content: panels.chat,
            reasoning: panels.reasoning,
            status: "error",
            runId: info.id,
            createdAt: now,
          });
        }
        return lost.length;
      });
    },
    loadSummary(conversationId) {
      const row = selectSummary.get(conversationId) as { covers: number; text: string } | undefined;
      return row && { covers: Number(row.covers), text: JSON.parse(row.text) };
    },
    saveSummary(conversationId, { covers, text }) {
      upsertSummary.run(conversationId, covers, JSON.stringify(text));
    },
    purgeBefore(cutoff) {
      return transaction(() => {
        const runs = Number(purgeRuns.run(cutoff).changes) + Number(purgeLost.run(cutoff).changes);
        purgeMessages.run(cutoff);
        purgeSummaries.run(cutoff);
        return { runs, conversations: Number(purgeConversations.run(cutoff).changes) };
      });
    },
    loadRun(runId) {
      const row = selectRun.get(runId) as { info: string; events: string } | undefined;
      if (!row) return undefined;
      return { info: JSON.parse(row.info), events: JSON.parse(row.events) };
    },
    close() {
      db.close();
    },
  };
}

interface CheckpointRow {
  info: string;
  panels: string;
  last_seq: number;
  updated_at: number;
}

function checkpointOf(row: CheckpointRow): RunCheckpoint {
  return {
    info: JSON.parse(row.info),
    panels: JSON.parse(row.panels),
    lastSeq: Number(row.last_seq),
    updatedAt: Number(row.updated_at),
  };
}

/** Brings an older database to the current schema version, one step per transaction. */
function migrate(db: DatabaseSync): void {
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  for (let step = version; step < MIGRATIONS.length; step++) {
    db.exec("BEGIN IMMEDIATE");
    db.exec(MIGRATIONS[step]);
    db.exec(`PRAGMA user_version = ${step + 1}`);
    db.exec("COMMIT");
  }
}
