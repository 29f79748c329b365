/**
 * The paths that do without a stream: the batch fallback, which runs the work again and replays
 * its result as events, and the chat recovery, which waits for a chat run the stream could not
 * show to end and loads the saved conversation.
 *
 * Fallback rule: batch restarts the work, so it is used only while nothing of the work has been
 * seen yet (no run_start). A chat whose run already exists is recovered instead by waiting for the
 * run to end (`GET /api/runs/:id`) and loading the saved conversation. A workflow run that has
 * streamed partly ends as `stream_lost` with its partial text kept; Retry starts a new run.
 */
import type { StreamEvent } from "../../protocol/events.ts";
import { finishReasonOf } from "../../protocol/finish-status.ts";
import type { RunRecovery } from "../state/actions.ts";
import type { ViewError } from "../state/view-state.ts";
import { conversationOf, RunSummary } from "./api-bodies.ts";
import type { Work } from "./connection-types.ts";
import { batchEvents, BatchResult } from "./batch-result.ts";
import { isRetryable, type JsonOutcome } from "./http.ts";
import type { RunPosition } from "./run-position.ts";
import { batchRequestOf, conversationUrl, runUrl } from "./urls.ts";

/** The error of work whose stream was lost and could not be made up for (worded by the strings). */
export const STREAM_LOST: ViewError = { code: "stream_lost", retryAvailable: true };

/**
 * What a fallback path uses of its controller, bound to one piece of work: once the work changed,
 * requests answer `undefined`, sleeps false, and reports are dropped.
 */
export interface FallbackContext {
  /** A JSON request of this work; `undefined` once the work changed. */
  json(url: string, body?: unknown): Promise<JsonOutcome | undefined>;
  /** Waits `ms` on the injected clock; false once the work changed. */
  sleep(ms: number): Promise<boolean>;
  /** The backoff delay before attempt `attempt` (0 for the first). */
  delay(attempt: number): number;
  maxRetries: number;
  /** Epoch ms. */
  now(): number;
  /** Applies one replayed event; false once the work changed (a listener may start other work). */
  accept(event: StreamEvent): boolean;
  /** The work failed for good. */
  fail(error: ViewError): void;
  /** A lost chat run ended on the server: its saved conversation replaces the stream. */
  recovered(recovery: RunRecovery): void;
}

/** The path that makes up for the stream of `work`, by the rule above; none for a partial workflow. */
export function fallbackFor(
  work: Work,
  { runId, conversationId }: RunPosition,
): ((context: FallbackContext) => Promise<void>) | undefined {
  if (work.kind === "chat") {
    const { apiBase, request } = work;
    return (context) =>
      runId === undefined
        ? runBatch(context, `${apiBase}/api/chat`, request)
        : recoverChat(context, { apiBase, runId, conversationId });
  }
  const batch = runId === undefined ? batchRequestOf(work.url) : undefined;
  return batch && ((context) => runBatch(context, batch.url, batch.body));
}

/** Posts the batch request of the work and replays its result as the stream would have shown it. */
export async function runBatch(
  context: FallbackContext,
  url: string,
  body: unknown,
): Promise<void> {
  const outcome = await context.json(url, body);
  if (outcome === undefined) return;
  if (outcome.type === "refused") {
    return context.fail({
      code: outcome.code ?? "internal",
      message: outcome.message,
      retryAvailable: isRetryable(outcome),
      ...(outcome.request ? { request: outcome.request } : {}),
    });
  }
  if (outcome.type === "failed") {
    return context.fail({
      ...STREAM_LOST,
      ...(outcome.request ? { request: outcome.request } : {}),
    });
  }
  const result = BatchResult.safeParse(outcome.body);
  if (!result.success) return context.fail({ ...STREAM_LOST, code: "internal" });
  const events = batchEvents(result.data, { now: context.now() });
  // The replay ends with stream_done, which ends the work.
  for (const event of events) if (!context.accept(event)) return;
}

/** Waits with backoff for the chat run `runId` to end, then loads its saved conversation. */
export async function recoverChat(
  context: FallbackContext,
  { apiBase, runId, conversationId }: { apiBase: string; runId: string; conversationId?: string },
): Promise<void> {
  for (let attempt = 0; attempt <= context.maxRetries; attempt++) {
    const probe = await context.json(runUrl(apiBase, runId));
    if (probe === undefined) return;
    const summary = probe.type === "ok" ? RunSummary.safeParse(probe.body) : undefined;
    if (summary?.success && summary.data.status !== "running") {
      const saved = conversationId === undefined
        ? undefined
        : conversationOf(await context.json(conversationUrl(apiBase, conversationId)));
      if (saved === undefined) return context.fail(STREAM_LOST);
      const { status, error } = summary.data;
      return context.recovered({
        ...saved,
        finishReason: finishReasonOf(status),
        ...(status === "error"
          ? { error: error ? { ...error, retryAvailable: true } : STREAM_LOST }
          : {}),
      });
    }
    if (probe.type === "refused" && !isRetryable(probe)) break;
    if (!(await context.sleep(context.delay(attempt)))) return;
  }
  context.fail(STREAM_LOST);
}
