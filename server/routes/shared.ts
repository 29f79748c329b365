/** Small pieces several route files share. */
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";
import type { Run } from "../runs/run.ts";

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

/** The status of a run as JSON: `{runId, kind, status, lastSeq, panels, error?}`. */
export function runResult(run: Run) {
  return {
    runId: run.info.id,
    kind: run.info.kind,
    status: run.status,
    lastSeq: run.lastSeq,
    panels: { ...run.panels },
    ...(run.error ? { error: run.error } : {}),
  };
}
