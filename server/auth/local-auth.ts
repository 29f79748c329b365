/** The auth stores of a single process: grants and audit in SQLite, tickets and presence here. */
import type { Clock } from "../runs/timers.ts";
import type { AuthStorage } from "./auth-storage.ts";
import { memoryPresence, memoryTickets } from "./memory-auth.ts";
import { openSqliteAuth } from "./sqlite-auth.ts";

/** Opens the stores over the SQLite database at `path` (a file, or `:memory:`). */
export function openLocalAuth(path: string, clock: Clock): AuthStorage & { close(): void } {
  const { grants, audit, close } = openSqliteAuth(path);
  return { grants, audit, tickets: memoryTickets(clock), presence: memoryPresence(), close };
}
