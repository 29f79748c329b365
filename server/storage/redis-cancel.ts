/**
 * Cancels across instances: requests travel on a pub/sub channel to every instance, and only
 * the owner of the run acts on one; the asker waits until the owner has recorded the outcome.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import { SharedUnavailableError } from "../runs/shared-runs.ts";
import type { Clock } from "../runs/timers.ts";
import { type EndingOptions, runStanding } from "./redis-ending.ts";
import { CANCEL_CHANNEL, runKeys } from "./redis-layout.ts";
import { loadMeta } from "./redis-load.ts";

// How long a cancel request waits for the owner to record the cancel.
const CANCEL_WAIT_MS = 2000;
const CANCEL_POLL_MS = 15;

/** The cancel requests this instance hears. */
export interface CancelListener {
  /** Registers a handler for requests addressed to runs `owns` accepts. */
  onCancel(handler: (runId: string) => void): void;
  close(): void;
}

/** Listens for cancel requests on `subscriber`, a connection of its own. */
export function listenForCancels(
  subscriber: Redis,
  { owns, log }: { owns(runId: string): boolean; log: Logger },
): CancelListener {
  const handlers: ((runId: string) => void)[] = [];
  subscriber.on("message", (channel: string, runId: string) => {
    if (channel !== CANCEL_CHANNEL || !owns(runId)) return;
    for (const handler of handlers) handler(runId);
  });
  // On every (re)connect: SUBSCRIBE is idempotent, and commands fail fast while disconnected.
  subscriber.on("ready", () => {
    subscriber.subscribe(CANCEL_CHANNEL).catch(() => log("redis_subscribe_failed", {}));
  });
  return {
    onCancel: (handler) => void handlers.push(handler),
    close: () => subscriber.disconnect(),
  };
}

/** Asks the owner of a run to cancel it; resolves with how the run stands afterwards. */
export async function requestCancel(
  redis: Redis,
  runId: string,
  { clock, ending }: { clock: Clock; ending: EndingOptions },
): Promise<"cancelled" | "finished" | "not_found"> {
  // Judged on Redis's clock: a lapsed lease ends the run as lost rather than waiting for a cancel.
  const standing = await runStanding(redis, runId, ending);
  if (!standing) return (await redis.exists(runKeys(runId).log)) ? "finished" : "not_found";
  if (standing.status !== "running") return "finished";
  await redis.publish(CANCEL_CHANNEL, runId);
  const deadline = clock.now() + CANCEL_WAIT_MS;
  while (clock.now() < deadline) {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, CANCEL_POLL_MS));
    const now = await loadMeta(redis, runId);
    if (!now || now.status === "running") continue;
    return now.status === "cancelled" ? "cancelled" : "finished";
  }
  throw new SharedUnavailableError("The run's instance did not answer the cancel");
}
