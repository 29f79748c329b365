/** Small pieces several route files share. */
import type { Context } from "hono";
import { streamReader } from "../auth/stream-access.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";
import { digestOf } from "../runs/digest.ts";
import type { Run } from "../runs/run.ts";
import { attachResponse, requestCursor, resumeResponse } from "../sse/attach.ts";

/** Stream endpoints answer 503 `streaming_disabled` while the feature flag is off. */
export function requireStreaming(ctx: AppContext): void {
  if (!ctx.state.streamingEnabled) {
    throw new HttpError(
      503,
      "streaming_disabled",
      "Streaming is turned off; use the batch endpoints",
    );
  }
}

/**
 * An SSE endpoint that starts work: with a cursor it resumes that run when it `belongs` to the
 * endpoint (never starting anything), else it starts a run and streams it to this request.
 */
export async function startOrResume(
  ctx: AppContext,
  c: Context,
  { belongs, start }: { belongs: (run: Run) => boolean; start: () => Promise<Run> },
): Promise<Response> {
  requireStreaming(ctx);
  const cursor = requestCursor(c);
  const reader = streamReader(ctx, c);
  if (cursor !== undefined) {
    return await resumeResponse(ctx, cursor, {
      belongs: async (run) => belongs(run) && await reader.readable(run, true),
      watch: reader.watch,
    });
  }
  // The caller owns the run it starts.
  return attachResponse(ctx, await start(), { watch: reader.watch });
}

/** The status of a run as JSON: `{runId, kind, status, lastSeq, panels, error?}`. */
export function runResult(run: Run) {
  return {
    runId: run.info.id,
    kind: run.info.kind,
    status: run.status,
    lastSeq: run.log.lastSeq,
    panels: { ...run.log.panels },
    ...(run.log.error ? { error: run.log.error } : {}),
  };
}

/** A batch answer: the run's result and the digest of its text, as `stream_done` carries it. */
export function batchResult(run: Run) {
  return { ...runResult(run), digest: digestOf(run.log.panels) };
}
