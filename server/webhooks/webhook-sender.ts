/**
 * Posts every run's result to WEBHOOK_URL as `{type: "run.finished", timestamp, data}`, signed per
 * the Standard Webhooks specification, from the durable outbox: at least once, with the same
 * `webhook-id` on every attempt (receivers de-duplicate by it), retried with backoff after a
 * failure, an error status or a timeout, and picked up again after a restart.
 */
import { Webhook } from "standardwebhooks";
import type { Logger } from "../log.ts";
import { runResultOf } from "../results/run-result.ts";
import type { Run } from "../runs/run.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";
import type { Outbox } from "../storage/sqlite-outbox.ts";

/** Told of every run's end. */
export interface RunEndListener {
  runEnded(run: Run): void;
}

/** Waits before the 2nd, 3rd … attempt; after the last, a message is given up (and logged). */
export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000];
/** An attempt that has not answered in this long has failed. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** Messages sent per pass; the next pass follows at once when more are due. */
const BATCH = 20;

/** Where, how and how often to deliver. */
export interface WebhookOptions {
  url: string;
  /** `whsec_…` */
  secret: string;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  retryDelaysMs?: readonly number[];
  fetch?: typeof fetch;
}

/** The sender: a run-end listener that also delivers what an earlier process left pending. */
export interface WebhookSender extends RunEndListener {
  /** Delivers what is due now (pending messages left by an earlier process). */
  start(): void;
  /** Stops sending; pending messages stay in the outbox. */
  stop(): void;
  /** Resolves once no attempt is in flight (tests wait on it). */
  idle(): Promise<void>;
}

/** Creates the sender. */
export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const { url, outbox, clock, log, retryDelaysMs = RETRY_DELAYS_MS } = options;
  const send = options.fetch ?? fetch;
  const signer = new Webhook(options.secret);
  let timer: TimerHandle | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** Runs a delivery pass now, or right after the one in flight. */
  const kick = () => {
    if (stopped) return;
    if (pass) {
      again = true;
      return;
    }
    clock.clearTimeout(timer);
    timer = undefined;
    pass = deliverDue().finally(() => {
      pass = undefined;
      if (again) {
        again = false;
        kick();
      } else schedule();
    });
  };

  const schedule = () => {
    const next = outbox.nextDue();
    if (stopped || next === undefined) return;
    timer = clock.setTimeout(kick, Math.max(0, next - clock.now()));
  };

  const deliverDue = async () => {
    for (let batch = outbox.due(clock.now(), BATCH); batch.length > 0;) {
      await Promise.all(batch.map((message) => attempt(message)));
      if (stopped) return;
      batch = outbox.due(clock.now(), BATCH);
    }
  };

  const attempt = async (message: { id: string; payload: string; attempts: number }) => {
    const attempts = message.attempts + 1;
    const started = clock.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await send(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": message.id,
          "webhook-timestamp": String(Math.floor(started / 1000)),
          "webhook-signature": signer.sign(message.id, new Date(started), message.payload),
        },
        body: message.payload,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (failure) {
      error = (failure as Error).name;
    }
    const fields = { id: message.id, attempt: attempts, status, error, ms: clock.now() - started };
    if (status !== undefined && status >= 200 && status < 300) {
      outbox.delivered(message.id, clock.now());
      log("webhook_delivered", fields);
      return;
    }
    const delay = retryDelaysMs[attempts - 1];
    outbox.failed(message.id, attempts, delay === undefined ? undefined : clock.now() + delay);
    log(delay === undefined ? "webhook_given_up" : "webhook_failed", fields);
  };

  return {
    runEnded(run) {
      const result = runResultOf(run);
      const at = clock.now();
      const body = JSON.stringify({
        type: "run.finished",
        timestamp: new Date(result.endedAt ?? at).toISOString(),
        data: result,
      });
      try {
        outbox.add(`msg_${run.info.id}`, body, at);
      } catch (failure) {
        log("webhook_queue_failed", { runId: run.info.id, error: (failure as Error).name });
        return;
      }
      kick();
    },
    start: kick,
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
    },
    idle: async () => {
      while (pass) await pass;
    },
  };
}
