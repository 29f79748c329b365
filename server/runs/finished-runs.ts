/**
 * Which finished runs stay in memory: the most recent ones, up to a budget of log bytes. A finished
 * run is already in the store, which replays it for any later request; keeping every one until its
 * TTL would hold a whole log per run, so only a few recent ones stay for the requests that come
 * right after a run ends (a resume, a status probe, a result).
 */

/** Tracks finished runs oldest first and evicts past `maxBytes`. */
export class FinishedRuns {
  readonly #maxBytes: number;
  readonly #evict: (runId: string) => void;
  /** Log bytes of each kept run, in finishing order. */
  readonly #bytes = new Map<string, number>();
  #total = 0;

  constructor(maxBytes: number, evict: (runId: string) => void) {
    this.#maxBytes = maxBytes;
    this.#evict = evict;
  }

  /** Keeps a run that just finished; evicts the oldest kept ones past the budget. */
  add(runId: string, bytes: number): void {
    this.delete(runId);
    this.#bytes.set(runId, bytes);
    this.#total += bytes;
    for (const oldest of this.#bytes.keys()) {
      if (this.#total <= this.#maxBytes || oldest === runId) break;
      this.delete(oldest);
      this.#evict(oldest);
    }
  }

  /** Forgets a run (its TTL ended, or it was evicted). */
  delete(runId: string): void {
    const bytes = this.#bytes.get(runId);
    if (bytes === undefined) return;
    this.#total -= bytes;
    this.#bytes.delete(runId);
  }

  /** Forgets every run. */
  clear(): void {
    this.#bytes.clear();
    this.#total = 0;
  }
}
