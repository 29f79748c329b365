/**
 * Runs of any workflow over the caller's own input (DESIGN.md §9): the workflow list, starting a
 * run (201 with its urls, or SSE on the POST), and a run's result.
 */
import type { Context, Hono } from "hono";
import { RunRequest } from "../../protocol/requests.ts";
import type { AppContext } from "../context.ts";
import { readJson } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { runResultOf } from "../results/run-result.ts";
import type { WorkflowWork } from "../runs/workflow-run.ts";
import { requireRun } from "./access.ts";
import { requireStreaming, startOrResume } from "./shared.ts";
import { startWorkflow } from "./start-run.ts";

/** Room for the body's other fields around an input of MAX_INPUT_BYTES. */
const BODY_OVERHEAD_BYTES = 4096;

/** Registers `GET /api/workflows`, `POST /api/runs`, `POST /api/runs/stream`, the result route. */
export function workflowRunRoutes(app: Hono, ctx: AppContext): void {
  app.get("/api/workflows", (c) =>
    c.json({
      default: ctx.workflows.default.id,
      workflows: ctx.workflows.list().map(({ id, title, stages, input }) => ({
        id,
        title,
        stages: stages.map((stage) => ({ id: stage.id, title: stage.title })),
        input,
      })),
    }));

  app.post("/api/runs", async (c) => {
    requireStreaming(ctx);
    const run = await startWorkflow(ctx, c, await readWork(ctx, c));
    const runId = run.info.id;
    return c.json({
      runId,
      streamUrl: `/api/runs/${runId}/stream`,
      cancelUrl: `/api/runs/${runId}/cancel`,
      resultUrl: `/api/runs/${runId}/result`,
    }, 201);
  });

  app.post("/api/runs/stream", async (c) => {
    const work = await readWork(ctx, c);
    return await startOrResume(ctx, c, {
      belongs: (run) => run.info.kind === "workflow" && run.info.workflow === work.workflow.id,
      start: () => startWorkflow(ctx, c, work),
    });
  });

  app.get("/api/runs/:runId/result", async (c) => {
    const { run } = await requireRun(ctx, c, c.req.param("runId"), {
      action: "read",
      intent: "read",
    });
    return c.json(runResultOf(run));
  });
}

/**
 * The body of a run request as work: the workflow (404 when unknown), its stages (404 for one it
 * does not have), and the input checked against its schema (400 with issues, 413 when too large).
 */
async function readWork(ctx: AppContext, c: Context): Promise<WorkflowWork> {
  const { maxInputBytes } = ctx.config;
  const body = await readJson(c.req.raw, RunRequest, {
    maxBytes: maxInputBytes + BODY_OVERHEAD_BYTES,
  });
  if (new TextEncoder().encode(JSON.stringify(body.input)).byteLength > maxInputBytes) {
    throw new HttpError(413, "invalid_request", `Input exceeds ${maxInputBytes} bytes`);
  }
  const workflow = ctx.workflows.get(body.workflow);
  if (!workflow) throw new HttpError(404, "not_found", "Workflow not found");
  const check = workflow.checkInput(body.input);
  if (!check.ok) {
    throw new HttpError(400, "invalid_request", "Input does not match the workflow's schema", {
      issues: check.issues,
    });
  }
  const asked = body.stages;
  const unknown = asked?.find((id) => !workflow.stages.some((stage) => stage.id === id));
  if (unknown !== undefined) throw new HttpError(404, "not_found", "Stage not found");
  const stages = asked === undefined
    ? workflow.stages
    : workflow.stages.filter((stage) => asked.includes(stage.id));
  return { workflow, stages, input: check.input };
}
