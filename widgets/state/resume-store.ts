/**
 * What `resume-key` keeps in sessionStorage so a reload picks the work up again: the run in
 * flight, the `src` that started it (Retry starts it again), the conversation, and the workflow
 * run the page shows (finished or not: a reload replays it instead of running it again). The view
 * is kept apart (`saved-view.ts`), with its cursor: a cursor alone would point past text a new page
 * never received.
 */

/** One provider's saved place. */
export interface ResumeEntry {
  runId?: string;
  src?: string;
  conversationId?: string;
  workflowRunId?: string;
}

/** Reads and updates one provider's saved place. */
export interface ResumeStore {
  /** The saved entry, if any (and if storage is usable at all). */
  load(): ResumeEntry | undefined;
  /** Merges `change` into the entry (`undefined` removes a field; an empty entry is deleted). */
  update(change: ResumeEntry): void;
}

const PREFIX = "stream-widgets:";

/**
 * The saved place under `key` in the storage `storage()` returns. Storage errors (quota, privacy
 * modes) are ignored; `storage` is a getter because where storage is blocked outright (sandboxed or
 * third-party frames) merely reading `window.sessionStorage` throws.
 */
export function resumeStore(storage: () => Storage, key: string): ResumeStore {
  const name = PREFIX + key;
  const load = (): ResumeEntry | undefined => {
    try {
      const value: unknown = JSON.parse(storage().getItem(name) ?? "null");
      return typeof value === "object" && value !== null ? value as ResumeEntry : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    load,
    update(change) {
      const merged = Object.entries({ ...load(), ...change }).filter(([, value]) =>
        value !== undefined
      );
      try {
        if (merged.length === 0) storage().removeItem(name);
        else storage().setItem(name, JSON.stringify(Object.fromEntries(merged)));
      } catch {
        // Resuming after a reload is a convenience; the stream works without it.
      }
    },
  };
}
