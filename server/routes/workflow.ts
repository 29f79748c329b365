/** Workflow endpoints: the whole workflow or one stage as SSE, and the batch fallback. */
import type { Hono } from "hono";
import { WorkflowRunRequest } from "../../protocol/requests.ts";
import type { AppContext } from "../context.ts";
import { readJson } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import {
  isWorkflowStage,
  stageTitle,
  WORKFLOW_STAGES,
  type WorkflowStage,
} from "../cases/workflow-stages.ts";
import { batchResult, startOrResume } from "./shared.ts";
import { awaitRun, startWorkflow } from "./start-run.ts";

const ALL_STAGES = WORKFLOW_STAGES.map((entry) => entry.stage);

/** Registers the workflow routes. */
export function workflowRoutes(app: Hono, ctx: AppContext): void {
  app.get("/api/cases/:caseId/workflow/start/stream", (c) => {
    const caseId = c.req.param("caseId");
    return startOrResume(ctx, c, {
      belongs: (run) =>
        run.info.kind === "workflow" && run.info.caseId === caseId &&
        run.info.plan.length === ALL_STAGES.length * 2,
      start: () => startWorkflow(ctx, c, { caseId, stages: ALL_STAGES }),
    });
  });

  app.get("/api/cases/:caseId/workflow/stages/:stage/stream", (c) => {
    const caseId = c.req.param("caseId");
    const stage = requireStage(c.req.param("stage"));
    return startOrResume(ctx, c, {
      belongs: (run) =>
        run.info.kind === "workflow" && run.info.caseId === caseId &&
        run.info.plan.length === 2 && run.info.plan[0].stage === stage,
      start: () => startWorkflow(ctx, c, { caseId, stages: [stage] }),
    });
  });

  app.post("/api/cases/:caseId/workflow/run", async (c) => {
    const caseId = c.req.param("caseId");
    const body = await readJson(c.req.raw, WorkflowRunRequest, {
      maxBytes: ctx.config.maxBodyBytes,
      optional: true,
    });
    const stages = body.stage === undefined ? ALL_STAGES : [requireStage(body.stage)];
    const run = await startWorkflow(ctx, c, { caseId, stages });
    await awaitRun(run, c.req.raw.signal);
    const events = run.log.events;
    return c.json({
      ...batchResult(run),
      stages: stages.map((stage) => ({
        stage,
        title: stageTitle(stage),
        reasoning: stageText(events, stage, "reasoning"),
        chat: stageText(events, stage, "chat"),
      })),
    });
  });
}

function requireStage(stage: string): WorkflowStage {
  if (!isWorkflowStage(stage)) throw new HttpError(404, "not_found", "Stage not found");
  return stage;
}

function stageText(
  events: readonly { type: string; stage: string; panel: string; content: string }[],
  stage: string,
  panel: string,
): string {
  return events
    .filter((e) => e.type === "content_chunk" && e.stage === stage && e.panel === panel)
    .map((e) => e.content)
    .join("");
}
