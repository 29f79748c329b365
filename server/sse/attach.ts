/**
 * Answering an SSE request for an existing run: the cursor (header wins over query), the checks
 * that make a cursor valid for this endpoint, and the stream itself or the in-band `stream_lost`.
 */
import type { Context } from "hono";
import { parseCursor } from "../../protocol/events.ts";
import type { AppContext } from "../context.ts";
import type { Run } from "../runs/run.ts";
import { runStream } from "./run-stream.ts";
import { sseResponse, streamLostResponse, UNKNOWN_RUN_ID } from "./sse-response.ts";

/** The resume cursor of a request: `Last-Event-ID`, else `?lastEventId=`; undefined when none. */
export function requestCursor(c: Context): string | undefined {
  const header = c.req.header("last-event-id");
  if (header) return header;
  return c.req.query("lastEventId") || undefined;
}

/** Streams `run` to a new viewer from the event after `afterSeq` (default: all of it). */
export function attachResponse(ctx: AppContext, run: Run, { afterSeq = 0 } = {}): Response {
  ctx.log("viewer_attached", {
    runId: run.info.id,
    afterSeq,
    lastSeq: run.log.lastSeq,
    running: run.running,
  });
  return sseResponse(
    runStream(run, afterSeq, {
      retryMs: ctx.config.retryMs,
      heartbeatMs: ctx.config.heartbeatMs,
      clock: ctx.clock,
      log: ctx.log,
    }),
  );
}

/**
 * Resumes from a cursor. The run must exist, pass `belongs` (a cursor of another case, kind or
 * run is foreign) and have reached the cursor's seq; otherwise `stream_lost`, for `runId` when the
 * endpoint names the run, else for the cursor's run. Never starts work.
 */
export async function resumeResponse(
  ctx: AppContext,
  cursor: string,
  { belongs, runId }: { belongs: (run: Run) => boolean; runId?: string },
): Promise<Response> {
  const parsed = parseCursor(cursor);
  const run = parsed && await ctx.registry.find(parsed.runId);
  if (!parsed || !run || !belongs(run) || parsed.seq > run.log.lastSeq) {
    ctx.log("stream_lost", { runId: parsed?.runId, known: run !== undefined });
    return lostResponse(ctx, runId ?? parsed?.runId ?? UNKNOWN_RUN_ID);
  }
  return attachResponse(ctx, run, { afterSeq: parsed.seq });
}

/** The in-band answer for a run that cannot be found. */
export function lostResponse(ctx: AppContext, runId: string): Response {
  return streamLostResponse(runId, { retryMs: ctx.config.retryMs, now: ctx.clock.now() });
}
