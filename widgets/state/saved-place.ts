/**
 * The saved place of a provider with `resume-key`, kept in step with its connection: the run in
 * flight and the conversation come from the connection's position, written only when they change;
 * and, given the view, the view itself (see `SavedView`).
 */
import type { RunPosition } from "../connection/run-position.ts";
import { type ResumeEntry, type ResumeStore, resumeStore } from "./resume-store.ts";
import { SavedView } from "./saved-view.ts";
import type { StreamState } from "./stream-state.ts";

/** One provider's saved place. */
export class SavedPlace {
  readonly #key: () => string;
  readonly #view: SavedView;
  #written?: { runId?: string; conversationId?: string; workflowRunId?: string };

  /** `key` is read at each use: the `resume-key` attribute may change. */
  constructor(key: () => string) {
    this.#key = key;
    this.#view = new SavedView(key);
  }

  /** What a reloaded page finds, if anything, with the view it showed when one was saved. */
  load(): (ResumeEntry & { view?: StreamState }) | undefined {
    const entry = this.#key() ? this.#store().load() : undefined;
    const view = this.#view.load();
    return view ? { ...entry, view } : entry;
  }

  /**
   * Keeps the run (unless it has `ended`: nothing left to resume), the conversation and the
   * workflow run the view shows; and `view`, when given.
   */
  follow(
    { runId, conversationId }: RunPosition,
    { ended, workflowRunId }: { ended: boolean; workflowRunId?: string },
    view?: StreamState,
  ): void {
    if (view) this.#view.follow(view);
    const place = { runId: ended ? undefined : runId, conversationId, workflowRunId };
    const written = this.#written;
    if (
      written && written.runId === place.runId && written.conversationId === conversationId &&
      written.workflowRunId === workflowRunId
    ) {
      return;
    }
    this.#written = place;
    this.remember(place);
  }

  /** Merges `change` into the saved place (`undefined` removes a field). */
  remember(change: ResumeEntry): void {
    if (this.#key()) this.#store().update(change);
  }

  #store(): ResumeStore {
    // A getter: where the page may not use storage, reading `sessionStorage` itself throws.
    return resumeStore(() => sessionStorage, this.#key());
  }
}
