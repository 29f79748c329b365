/**
 * SQLite storage through `node:sqlite`: conversations, messages, and the event logs of finished
 * runs (so a run replays after its in-memory TTL and after a restart).
 */
import { DatabaseSync } from "node:sqlite";
import type { RunInfo } from "../runs/run.ts";
import type { Store, StoredConversation, StoredMessage } from "./store.ts";

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, case_id TEXT, created_at REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations(id),
    role TEXT NOT NULL, content TEXT NOT NULL, reasoning TEXT NOT NULL, status TEXT NOT NULL,
    run_id TEXT NOT NULL, created_at REAL NOT NULL);
  CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, position);
  CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, info TEXT NOT NULL, events TEXT NOT NULL);
`;

/** Opens (creating when needed) the database at `path`: a file, or `:memory:`. */
export function openSqliteStore(path: string): Store {
  const db = new DatabaseSync(path);
  db.exec(SCHEMA);
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
          content: String(m.content),
          reasoning: String(m.reasoning),
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
      insertMessage.run(
        m.id,
        conversationId,
        m.role,
        m.content,
        m.reasoning,
        m.status,
        m.runId,
        m.createdAt,
      );
    },
    saveRun(info: RunInfo, eventsJson: string) {
      insertRun.run(info.id, JSON.stringify(info), eventsJson);
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
