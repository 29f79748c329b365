/** Run endpoints: status probe, attach/resume/replay, cancel. */
import type { Hono } from "hono";
import { RunId } from "../../protocol/events.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";
import { attachResponse, lostResponse, requestCursor, resumeResponse } from "../sse/attach.ts";
import { UNKNOWN_RUN_ID } from "../sse/sse-response.ts";
import { requireStreaming, runResult } from "./shared.ts";

/** Registers the run routes. */
export function runRoutes(app: Hono, ctx: AppContext): void {
  const valid = (runId: string) => RunId.safeParse(runId).success;
  const find = async (runId: string) => valid(runId) ? await ctx.registry.find(runId) : undefined;

  app.get("/api/runs/:runId", async (c) => {
    const run = await find(c.req.param("runId"));
    if (!run) throw new HttpError(404, "not_found", "Run not found");
    return c.json(runResult(run));
  });

  app.get("/api/runs/:runId/stream", async (c) => {
    requireStreaming(ctx);
    const runId = c.req.param("runId");
    const cursor = requestCursor(c);
    const named = valid(runId) ? runId : UNKNOWN_RUN_ID;
    if (cursor !== undefined) {
      return await resumeResponse(ctx, cursor, {
        belongs: (run) => run.info.id === runId,
        runId: named,
      });
    }
    const run = await find(runId);
    if (!run) return lostResponse(ctx, named);
    return attachResponse(ctx, run);
  });

  app.post("/api/runs/:runId/cancel", async (c) => {
    const runId = c.req.param("runId");
    const outcome = valid(runId) ? await ctx.registry.cancel(runId) : "not_found";
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
