/**
 * The view a provider with `resume-key` keeps beside its saved place, so that a page reloaded
 * while offline shows at once the text it had received, with its statuses; the view's run and
 * last seq are the cursor it goes on from. sessionStorage only: per tab, and gone when the tab
 * closes, so no patient text stays behind on a shared ward computer. Written at most every
 * `WRITE_MS` (a replay applies hundreds of events in a row) and as the page goes away.
 */
import type { StreamState } from "./stream-state.ts";

const PREFIX = "stream-widgets-view:";
const WRITE_MS = 250;
/** Writes waiting for their time, by storage name: a provider reading its view first writes them. */
const unwritten = new Map<string, () => void>();

/** One provider's saved view. */
export class SavedView {
  readonly #key: () => string;
  readonly #storage: () => Storage;
  #pending?: StreamState;
  #timer?: ReturnType<typeof setTimeout>;

  /** `key` is read at each use; `storage` is a getter, as reading it may throw where it is blocked. */
  constructor(key: () => string, storage: () => Storage = () => sessionStorage) {
    this.#key = key;
    this.#storage = storage;
  }

  /** The view saved under the key, if any. */
  load(): StreamState | undefined {
    if (!this.#key()) return undefined;
    unwritten.get(PREFIX + this.#key())?.();
    try {
      const value = JSON.parse(this.#storage().getItem(PREFIX + this.#key()) ?? "null");
      return isSavedState(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves `state` soon; a state without a run removes the saved view. */
  follow(state: StreamState): void {
    if (!this.#key() || state === this.#pending) return;
    this.#pending = state;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(this.#write, WRITE_MS);
    unwritten.set(PREFIX + this.#key(), this.#write);
    globalThis.addEventListener?.("pagehide", this.#write);
  }

  readonly #write = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    globalThis.removeEventListener?.("pagehide", this.#write);
    const state = this.#pending;
    const name = PREFIX + this.#key();
    if (unwritten.get(name) === this.#write) unwritten.delete(name);
    try {
      if (state?.runId === undefined) this.#storage().removeItem(name);
      else this.#storage().setItem(name, JSON.stringify(state));
    } catch {
      // Offline review is a convenience (quota, privacy modes): the stream works without it.
    }
  };
}

/** Whether a stored value has the shape of a saved view of a run. */
function isSavedState(value: unknown): value is StreamState {
  const state = value as StreamState | null;
  return typeof state?.runId === "string" && typeof state.lastSeq === "number" &&
    typeof state.status === "string" && Array.isArray(state.sections?.reasoning) &&
    Array.isArray(state.sections?.chat) && Array.isArray(state.history) &&
    Array.isArray(state.earlier) && Array.isArray(state.plan);
}
