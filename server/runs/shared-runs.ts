/**
 * The run-log boundary for more than one instance: what the registry needs from a log every
 * instance shares (Redis, see docs/scale-out.md). Without it the registry keeps runs in this
 * process only (the embedded default).
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo, RunStatus } from "./run.ts";

/** Thrown when the shared log cannot be reached; the API answers 503 `upstream_unavailable`. */
export class SharedUnavailableError extends Error {
  override name = "SharedUnavailableError";
}

/** A run as the shared log knows it: enough to mirror, replay or declare it lost. */
export interface SharedRun {
  info: RunInfo;
  /** `lost`: its owner stopped renewing the lease before it ended. */
  status: RunStatus | "lost";
  events: SequencedEvent[];
}

/** A live follow of a run's log from some seq on; `stop` ends it. */
export interface Follow {
  stop(): void;
}

/** What the follower hears: events in seq order, then at most one of end or loss. */
export interface FollowHandlers {
  event(event: SequencedEvent): void;
  /** The owner's lease lapsed (or the log vanished): the run will never end normally. */
  lost(): void;
}

/** The shared run log, presence, leases and cancellation. */
export interface SharedRuns {
  /** This instance's id, as leases and presence name it. */
  readonly instanceId: string;
  /** Announces a run this instance owns and takes its lease; rejects when unreachable. */
  publish(info: RunInfo): Promise<void>;
  /** Appends an event of an owned run; events must come in seq order. `failed` on a write error. */
  append(event: SequencedEvent, failed: () => void): void;
  /**
   * An owned run ended: final status, a durable copy of its log, expiry of the live keys. A log
   * that does not end in its own `stream_done` (the run was lost here) ends as lost everywhere.
   */
  finish(info: RunInfo, status: RunStatus, events: readonly SequencedEvent[]): Promise<void>;
  /** This instance now has `count` viewers of a run (owned or mirrored). */
  presence(runId: string, count: number): void;
  /** Whether any other instance has viewers of the run; true when unsure. */
  watchedElsewhere(runId: string): Promise<boolean>;
  /** A run of any instance with its log so far, or undefined when unknown. */
  load(runId: string): Promise<SharedRun | undefined>;
  /** Follows a running run live from the event after `afterSeq`. */
  follow(runId: string, afterSeq: number, handlers: FollowHandlers): Follow;
  /** Asks the owner of a run to cancel it; resolves with how the run stands afterwards. */
  requestCancel(runId: string): Promise<"cancelled" | "finished" | "not_found">;
  /** Registers the handler for cancel requests addressed to runs of this instance. */
  onCancel(handler: (runId: string) => void): void;
  /** Registers the handler told when an owned run's lease is gone: it must stop being served. */
  onLost(handler: (runId: string) => void): void;
  /** Whether the shared log answers now. */
  reachable(): Promise<boolean>;
  /** Stops leases, follows and connections. */
  close(): void;
}
