/**
 * Who the caller is to the current run and who else is watching it (DESIGN.md §8): the caller's
 * `access` from `GET /api/runs/:runId`, and the viewers from `/viewers`, asked again every few
 * seconds while the host is connected. A server without auth reports no access: the caller owns
 * everything, as before. Answers for a run that is no longer current are dropped.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import * as z from "zod/mini";
import { Access, type Viewer, ViewersResponse } from "../../protocol/access.ts";
import type { JsonOutcome } from "../connection/http.ts";

const RunAccess = z.object({ access: z.optional(Access) });

/** What the watchers need from their provider. */
export interface RunWatchersOptions {
  /** A JSON GET to the API with the provider's credentials. */
  request(url: string): Promise<JsonOutcome>;
  /** The run's status URL. */
  runUrl(runId: string): string;
  /** Access or viewers changed; `access` is what the server reported, if it did. */
  changed(access: Access | undefined): void;
  everyMs?: number;
}

/** The caller's access to the current run and its viewers. */
export class RunWatchers implements ReactiveController {
  readonly #options: RunWatchersOptions;
  #runId?: string;
  /** The access the server reported for the current run: none without identity. */
  #reported?: Access;
  #viewers: readonly Viewer[] = [];
  #timer?: ReturnType<typeof setTimeout>;
  #connected = false;

  constructor(host: ReactiveControllerHost, options: RunWatchersOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Who is attached to the current run now. */
  get viewers(): readonly Viewer[] {
    return this.#viewers;
  }

  /** The viewers, for the provider's context (the caller's access goes into the view). */
  snapshot(): { viewers: readonly Viewer[] } {
    return { viewers: this.#viewers };
  }

  /** Follows `runId` (undefined: none). */
  follow(runId: string | undefined): void {
    if (runId === this.#runId) return;
    this.#runId = runId;
    clearTimeout(this.#timer);
    this.#reported = undefined;
    this.#viewers = [];
    this.#options.changed(undefined);
    if (runId !== undefined && this.#connected) void this.#refresh(runId, true);
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#runId !== undefined) void this.#refresh(this.#runId, true);
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
  }

  async #refresh(runId: string, withAccess: boolean): Promise<void> {
    const base = this.#options.runUrl(runId);
    const [status, viewers] = await Promise.all([
      withAccess ? this.#options.request(base) : undefined,
      this.#options.request(`${base}/viewers`),
    ]);
    if (runId !== this.#runId || !this.#connected) return;
    const access = status?.type === "ok" ? RunAccess.safeParse(status.body) : undefined;
    if (access?.success && access.data.access) this.#reported = access.data.access;
    const list = viewers.type === "ok" ? ViewersResponse.safeParse(viewers.body) : undefined;
    if (list?.success) this.#viewers = list.data.viewers;
    this.#options.changed(this.#reported);
    clearTimeout(this.#timer);
    // Without identity nobody is listed and everybody owns everything: nothing to watch for.
    if (this.#reported === undefined) return;
    this.#timer = setTimeout(() => void this.#refresh(runId, false), this.#options.everyMs ?? 5000);
  }
}
