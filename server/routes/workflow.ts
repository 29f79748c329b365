/**
 * Catalog workflow endpoints: the default workflow (DEFAULT_WORKFLOW) over a catalog case, all
 * stages or one, as SSE, and the batch fallback.
 */
import type { Context, Hono } from "hono";
import { WorkflowRunRequest } from "../../protocol/requests.ts";
import type { AppContext } from "../context.ts";
import { readJson } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import type { Run } from "../runs/run.ts";
import { stageTexts } from "../results/run-result.ts";
import type { WorkflowStage } from "../workflows/definition.ts";
import { batchResult, startOrResume } from "./shared.ts";
import { awaitRun, requireCase, startWorkflow } from "./start-run.ts";

/** Registers the workflow routes. */
export function workflowRoutes(app: Hono, ctx: AppContext): void {
  const workflow = ctx.workflows.default;
  /** Whether a run is this workflow over this case and exactly these stages. */
  const runs = (run: Run, caseId: string, stages: readonly WorkflowStage[]) =>
    run.info.kind === "workflow" && run.info.caseId === caseId &&
    run.info.workflow === workflow.id &&
    [...new Set(run.info.plan.map((entry) => entry.stage))].join() ===
      stages.map((stage) => stage.id).join();
  const start = (c: Context, caseId: string, stages: readonly WorkflowStage[]) =>
    startWorkflow(ctx, c, { workflow, stages, input: { ...requireCase(ctx, caseId) }, caseId });

  app.get("/api/cases/:caseId/workflow/start/stream", (c) => {
    const caseId = c.req.param("caseId");
    return startOrResume(ctx, c, {
      belongs: (run) => runs(run, caseId, workflow.stages),
      start: () => start(c, caseId, workflow.stages),
    });
  });

  app.get("/api/cases/:caseId/workflow/stages/:stage/stream", (c) => {
    const caseId = c.req.param("caseId");
    const stages = [requireStage(workflow.stages, c.req.param("stage"))];
    return startOrResume(ctx, c, {
      belongs: (run) => runs(run, caseId, stages),
      start: () => start(c, caseId, stages),
    });
  });

  app.post("/api/cases/:caseId/workflow/run", async (c) => {
    const caseId = c.req.param("caseId");
    const body = await readJson(c.req.raw, WorkflowRunRequest, {
      maxBytes: ctx.config.maxBodyBytes,
      optional: true,
    });
    const stages = body.stage === undefined
      ? workflow.stages
      : [requireStage(workflow.stages, body.stage)];
    const run = await start(c, caseId, stages);
    await awaitRun(run, c.req.raw.signal);
    return c.json({
      ...batchResult(run),
      stages: stageTexts(run.info.plan, run.log.events).map((stage) => ({
        stage: stage.id,
        title: stage.title,
        reasoning: stage.analysis,
        chat: stage.summary,
      })),
    });
  });
}

function requireStage(stages: readonly WorkflowStage[], id: string): WorkflowStage {
  const found = stages.find((stage) => stage.id === id);
  if (!found) throw new HttpError(404, "not_found", "Stage not found");
  return found;
}
