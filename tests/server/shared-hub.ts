/**
 * An in-memory stand-in for the shared run log, for unit tests of the multi-instance logic
 * without Redis: several apps in one process get one `SharedRuns` each over the same hub.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import type { RunInfo, RunStatus } from "../../server/runs/run.ts";
import {
  type FollowHandlers,
  type SharedRuns,
  SharedUnavailableError,
} from "../../server/runs/shared-runs.ts";

interface HubRun {
  info: RunInfo;
  status: RunStatus | "lost";
  owner: string;
  events: SequencedEvent[];
  followers: Set<FollowHandlers>;
  /** Instance id → its viewer count. */
  viewers: Map<string, number>;
}

// Read through a call: the status changes under an await, which narrowing cannot see.
const statusOf = (run: HubRun) => run.status;

/** The hub: the instances' logs, and switches a test flips. */
export function sharedHub() {
  const runs = new Map<string, HubRun>();
  const cancelHandlers = new Map<string, (runId: string) => void>();
  let up = true;
  const check = () => {
    if (!up) throw new SharedUnavailableError("hub down");
  };

  const instance = (instanceId: string): SharedRuns => ({
    instanceId,
    publish(info) {
      if (!up) return Promise.reject(new SharedUnavailableError("hub down"));
      runs.set(info.id, {
        info,
        status: "running",
        owner: instanceId,
        events: [],
        followers: new Set(),
        viewers: new Map(),
      });
      return Promise.resolve();
    },
    append(event, failed) {
      const run = runs.get(event.runId);
      if (!up || !run) return failed();
      run.events.push(event);
      // Delivered later, as a network would.
      queueMicrotask(() => {
        for (const follower of run.followers) follower.event(event);
      });
    },
    finish(info, status) {
      const run = runs.get(info.id);
      if (run) run.status = status;
      return Promise.resolve();
    },
    presence(runId, count) {
      runs.get(runId)?.viewers.set(instanceId, count);
    },
    watchedElsewhere(runId) {
      const viewers = runs.get(runId)?.viewers ?? new Map<string, number>();
      return Promise.resolve([...viewers].some(([id, count]) => id !== instanceId && count > 0));
    },
    load(runId) {
      try {
        check();
      } catch (error) {
        return Promise.reject(error);
      }
      const run = runs.get(runId);
      return Promise.resolve(
        run && { info: run.info, status: run.status, events: [...run.events] },
      );
    },
    follow(runId, afterSeq, handlers) {
      const run = runs.get(runId)!;
      // Events appended since the load are handed on first, as XREAD from `afterSeq` would.
      queueMicrotask(() => {
        for (const event of run.events.slice(afterSeq)) handlers.event(event);
        run.followers.add(handlers);
      });
      return { stop: () => run.followers.delete(handlers) };
    },
    async requestCancel(runId) {
      check();
      const run = runs.get(runId);
      if (!run) return "not_found";
      if (run.status !== "running") return "finished";
      cancelHandlers.get(run.owner)?.(runId);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return statusOf(run) === "cancelled" ? "cancelled" : "finished";
    },
    onCancel(handler) {
      cancelHandlers.set(instanceId, handler);
    },
    // Leases never lapse in memory: losses here come from `append` failing.
    onLost() {},
    reachable: () => Promise.resolve(up),
    close() {},
  });

  return {
    instance,
    /** Makes every operation fail (a Redis outage) or work again. */
    setReachable(value: boolean) {
      up = value;
    },
    /** Declares a run's owner dead: followers hear `lost`. */
    lose(runId: string) {
      const run = runs.get(runId)!;
      run.status = "lost";
      for (const follower of run.followers) follower.lost();
      run.followers.clear();
    },
    /** The viewer counts the hub holds for a run. */
    viewers: (runId: string) => Object.fromEntries(runs.get(runId)?.viewers ?? []),
  };
}
