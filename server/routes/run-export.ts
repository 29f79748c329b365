/**
 * A run's review (DESIGN.md §11): its audit entries, and its record exported as one sealed JSON
 * file. For the owner and auditors; an observer gets 403, anyone else what an unknown id gets.
 */
import type { Hono } from "hono";
import type { AppContext } from "../context.ts";
import type { Ask } from "../auth/guard.ts";
import { runRecordFile } from "../replay/run-record.ts";
import { requireRun } from "./access.ts";

const REVIEW: Ask = { action: "read", intent: "review" };
/** Entries per run answered at most: the trail of one run, not the whole trail. */
const RUN_AUDIT_LIMIT = 10_000;

/** Registers `GET /api/runs/:runId/audit` and `GET /api/runs/:runId/export`. */
export function runExportRoutes(app: Hono, ctx: AppContext): void {
  app.get("/api/runs/:runId/audit", async (c) => {
    const { run } = await requireRun(ctx, c, c.req.param("runId"), REVIEW);
    const entries = await ctx.auth.storage.audit.query({ runId: run.info.id }, RUN_AUDIT_LIMIT);
    return c.json({ entries }, 200, { "cache-control": "no-store" });
  });

  app.get("/api/runs/:runId/export", async (c) => {
    const { run } = await requireRun(ctx, c, c.req.param("runId"), REVIEW);
    const audit = await ctx.auth.storage.audit.query({ runId: run.info.id }, RUN_AUDIT_LIMIT);
    const file = await runRecordFile(run, { audit, now: ctx.clock.now() });
    return c.body(file, 200, {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="run-${run.info.id}.json"`,
      "cache-control": "no-store",
    });
  });
}
