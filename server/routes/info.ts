/** Health and the demo's synthetic cases. */
import type { Hono } from "hono";
import type { AppContext } from "../context.ts";
import { requireCase } from "./start-run.ts";

/**
 * Registers `GET /api/health` (with Redis also `redis: "reachable"|"unreachable"`, 503 when
 * unreachable), `GET /api/cases` and `GET /api/cases/:caseId`. */
export function infoRoutes(app: Hono, ctx: AppContext): void {
  app.get("/api/health", async (c) => {
    const body = {
      status: "ok",
      provider: ctx.provider.name,
      streaming: ctx.state.streamingEnabled,
      version: ctx.version,
      storage: ctx.storage,
    };
    if (!ctx.shared) return c.json(body);
    // With Redis the instance is only useful while Redis answers: 503 takes it out of rotation.
    const reachable = await ctx.shared.reachable();
    return c.json(
      {
        ...body,
        status: reachable ? "ok" : "degraded",
        redis: reachable ? "reachable" : "unreachable",
      },
      reachable ? 200 : 503,
    );
  });
  app.get("/api/cases", (c) => c.json({ cases: ctx.cases.list() }));
  app.get("/api/cases/:caseId", (c) => c.json(requireCase(ctx, c.req.param("caseId"))));
}
