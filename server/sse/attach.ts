/**
 * Answering an SSE request for an existing run: the cursor (header wins over query), the checks
 * that make a cursor valid for this endpoint, and the stream itself or the in-band `stream_lost`.
 */
import type { Context } from "hono";
import { parseCursor } from "../../protocol/events.ts";
import type { AppContext } from "../context.ts";
import type { Run } from "../runs/run.ts";
import { pacedStream } from "../replay/paced-stream.ts";
import { runStream } from "./run-stream.ts";
import { sseResponse, streamLostResponse, UNKNOWN_RUN_ID } from "./sse-response.ts";

/** The resume cursor of a request: `Last-Event-ID`, else `?lastEventId=`; undefined when none. */
export function requestCursor(c: Context): string | undefined {
  const header = c.req.header("last-event-id");
  if (header) return header;
  return c.req.query("lastEventId") || undefined;
}

/** Wraps a viewer's SSE body (who is watching, until when their sign-in holds). */
export type Watch = (run: Run, body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

/**
 * Streams `run` to a new viewer from the event after `afterSeq` (default: all of it), through
 * `watch` when given; at speed factor `pace` in the run's own timing when given.
 */
export function attachResponse(
  ctx: AppContext,
  run: Run,
  { afterSeq = 0, watch, pace }: { afterSeq?: number; watch?: Watch; pace?: number } = {},
): Response {
  ctx.log("viewer_attached", {
    runId: run.info.id,
    afterSeq,
    lastSeq: run.log.lastSeq,
    running: run.running,
  });
  const options = {
    retryMs: ctx.config.retryMs,
    heartbeatMs: ctx.config.heartbeatMs,
    clock: ctx.clock,
    log: ctx.log,
  };
  const body = pace === undefined
    ? runStream(run, afterSeq, options)
    : pacedStream(run, afterSeq, { ...options, factor: pace });
  return sseResponse(watch ? watch(run, body) : body);
}

/**
 * Resumes from a cursor. The run must exist, have reached the cursor's seq and pass `belongs` (a
 * cursor of another case, kind or run is foreign; a run the caller may not read is unknown);
 * otherwise `stream_lost`, for `runId` when the endpoint names the run, else for the cursor's run.
 * Never starts work.
 */
export async function resumeResponse(
  ctx: AppContext,
  cursor: string,
  { belongs, runId, watch, pace }: {
    belongs: (run: Run) => boolean | Promise<boolean>;
    runId?: string;
    watch?: Watch;
    pace?: number;
  },
): Promise<Response> {
  const parsed = parseCursor(cursor);
  const run = parsed && await ctx.registry.find(parsed.runId);
  if (!parsed || !run || parsed.seq > run.log.lastSeq || !(await belongs(run))) {
    ctx.log("stream_lost", { runId: parsed?.runId, known: run !== undefined });
    return lostResponse(ctx, runId ?? parsed?.runId ?? UNKNOWN_RUN_ID);
  }
  return attachResponse(ctx, run, {
    afterSeq: parsed.seq,
    ...(watch ? { watch } : {}),
    ...(pace === undefined ? {} : { pace }),
  });
}

/** The in-band answer for a run that cannot be found. */
export function lostResponse(ctx: AppContext, runId: string): Response {
  return streamLostResponse(runId, { retryMs: ctx.config.retryMs, now: ctx.clock.now() });
}
