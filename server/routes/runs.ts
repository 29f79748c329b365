/** Run endpoints: status probe, attach/resume/replay, cancel. */
import type { Hono } from "hono";
import * as z from "zod/mini";
import type { AppContext } from "../context.ts";
import { authorizeRun } from "../auth/guard.ts";
import { readJson, validate } from "../http/body.ts";
import { ReplayQuery } from "../../protocol/replay.ts";
import { streamReader } from "../auth/stream-access.ts";
import { attachResponse, lostResponse, requestCursor, resumeResponse } from "../sse/attach.ts";
import { errorMessage } from "../runs/error-messages.ts";
import { UNKNOWN_RUN_ID } from "../sse/sse-response.ts";
import type { RunCheckpoint } from "../storage/store.ts";
import { findRun, forbidden, requireRun, validRunId } from "./access.ts";
import { requireStreaming, runResult } from "./shared.ts";

const READ = { action: "read", intent: "read" } as const;
/** A cancel carries nothing: `{}` or no body. */
const NoFields = z.strictObject({});

/** Registers the run routes. */
export function runRoutes(app: Hono, ctx: AppContext): void {
  app.get("/api/runs/:runId", async (c) => {
    const runId = c.req.param("runId");
    // A run lost to a crash: its partial text as last checkpointed, for those who may read it.
    const lost = validRunId(runId) ? ctx.registry.lost(runId) : undefined;
    if (
      lost &&
      (await authorizeRun(ctx, c, { info: lost.info, runId, ask: READ })).outcome === "allowed"
    ) {
      return c.json(lostResult(lost));
    }
    const { run, decision } = await requireRun(ctx, c, runId, READ);
    // `access` only with auth on: without it every caller owns everything, as before.
    const access = ctx.auth.verify ? { access: decision.access } : {};
    return c.json({ ...runResult(run), ...access });
  });

  app.get("/api/runs/:runId/stream", async (c) => {
    requireStreaming(ctx);
    // Checked before the run is looked up: a bad pace answers alike for every id.
    const { pace } = validate(ReplayQuery, c.req.query(), "Query");
    const paced = pace === undefined ? {} : { pace };
    const runId = c.req.param("runId");
    const cursor = requestCursor(c);
    const named = validRunId(runId) ? runId : UNKNOWN_RUN_ID;
    const reader = streamReader(ctx, c);
    if (cursor !== undefined) {
      return await resumeResponse(ctx, cursor, {
        belongs: async (run) => run.info.id === runId && await reader.readable(run, true),
        runId: named,
        watch: reader.watch,
        ...paced,
      });
    }
    const run = await findRun(ctx, runId);
    if (!(await reader.readable(run)) || !run) return lostResponse(ctx, named);
    return attachResponse(ctx, run, { watch: reader.watch, ...paced });
  });

  app.post("/api/runs/:runId/cancel", async (c) => {
    await readJson(c.req.raw, NoFields, { maxBytes: ctx.config.maxBodyBytes, optional: true });
    const runId = c.req.param("runId");
    const run = await findRun(ctx, runId);
    const decision = await authorizeRun(ctx, c, {
      info: run?.info,
      ...(validRunId(runId) ? { runId } : {}),
      ask: { action: "cancel", intent: "act" },
    });
    if (decision.outcome === "forbidden") throw forbidden();
    // A stranger's cancel is answered exactly as one for an unknown id.
    const outcome = decision.outcome === "allowed" ? await ctx.registry.cancel(runId) : "not_found";
    switch (outcome) {
      case "not_found":
        return c.json({ status: "not_found" }, 404);
      case "finished":
        return c.json({ status: "finished" }, 409);
      case "cancelled":
        ctx.log("run_cancelled", { runId });
        return c.json({ status: "cancelled" });
    }
  });
}

/** The status of a run lost to a crash, shaped as `runResult`: status `error`, `stream_lost`. */
function lostResult({ info, panels, lastSeq }: RunCheckpoint) {
  return {
    runId: info.id,
    kind: info.kind,
    status: "error",
    lastSeq,
    panels,
    error: { code: "stream_lost", message: errorMessage("stream_lost") },
  };
}
