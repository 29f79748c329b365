/**
 * Opening the one SQLite database file that the store, the webhook outbox and the auth tables
 * share: whichever opens it first creates it owner-only, and every opener waits for the others'
 * writes instead of failing on a lock. Patient text lives in it.
 */
import { DatabaseSync } from "node:sqlite";

/** Opens (creating when needed) the database at `path`: a file, or `:memory:`. */
export function openDatabase(path: string): DatabaseSync {
  if (path !== ":memory:") restrictFile(path);
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
  return db;
}

/** Creates the database file owner-only, and makes existing files (with WAL and SHM) so. */
function restrictFile(path: string): void {
  try {
    Deno.openSync(path, { write: true, createNew: true, mode: 0o600 }).close();
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      Deno.chmodSync(file, 0o600);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
