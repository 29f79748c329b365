/**
 * The viewers of one run, and the rule for one that does not keep up. Viewers read the shared log
 * at their own pace and hold no copy of it, so a viewer costs the run nothing while it reads. One
 * is dropped only when its unsent live backlog passes the bound while its connection has taken
 * nothing for `stallMs`: a burst from the model, which a reading viewer is still working through,
 * is not a slow reader.
 */
import type { Clock } from "./timers.ts";

/** A reader of the log, as the run sees it: where it is, and how to drop it. */
export interface ViewerHandle {
  /** Index of the next event this viewer will read. */
  position(): number;
  /** Index of the first event appended after the viewer attached. */
  readonly liveFrom: number;
  /** Since when the connection has taken nothing (clock ms); undefined while it is reading. */
  stalledSince(): number | undefined;
  /** Ends the viewer's response abruptly: it stopped reading, or the process stops. */
  drop(reason: "backlog" | "shutdown"): void;
}

/** How long a connection may take nothing, with its backlog over the bound, before it is dropped. */
export const STALL_MS = 1000;

/** The bound and how the set reports its size. */
export interface ViewerSetOptions {
  clock: Clock;
  /** Unsent live bytes past which a stalled viewer is dropped. */
  backlogBytes: number;
  stallMs?: number;
  /** The number of viewers changed. */
  onCount?(count: number): void;
}

/** The viewers of a run. */
export class ViewerSet {
  readonly #viewers = new Set<ViewerHandle>();
  readonly #options: ViewerSetOptions;

  constructor(options: ViewerSetOptions) {
    this.#options = options;
  }

  /** Viewers attached now. */
  get size(): number {
    return this.#viewers.size;
  }

  /** Registers a viewer (for orphan tracking and the backlog bound). */
  add(viewer: ViewerHandle): void {
    this.#viewers.add(viewer);
    this.#options.onCount?.(this.#viewers.size);
  }

  /** Unregisters a viewer. */
  remove(viewer: ViewerHandle): void {
    if (!this.#viewers.delete(viewer)) return;
    this.#options.onCount?.(this.#viewers.size);
  }

  /** Ends every viewer's response abruptly (this process is going away; the run is not). */
  dropAll(): void {
    for (const viewer of [...this.#viewers]) viewer.drop("shutdown");
  }

  /** Drops the viewers that stopped reading with more than the bound left to send. */
  dropStalled(bytesFrom: (index: number) => number): void {
    const { clock, backlogBytes, stallMs = STALL_MS } = this.#options;
    const now = clock.now();
    for (const viewer of this.#viewers) {
      const since = viewer.stalledSince();
      if (since === undefined || now - since < stallMs) continue;
      const from = Math.max(viewer.position(), viewer.liveFrom);
      if (bytesFrom(from) > backlogBytes) viewer.drop("backlog");
    }
  }
}
