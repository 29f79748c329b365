/**
 * Starting runs on behalf of a request: the per-client rate limit, the concurrency limit, the
 * case and conversation lookups, and saving the chat messages when the run ends.
 */
import type { Context } from "hono";
import type { ChatRequest } from "../../protocol/requests.ts";
import { getCase } from "../cases/cases.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";
import { CHAT_PLAN, driveChat } from "../runs/chat-run.ts";
import { settle, type Upstream } from "../runs/drive.ts";
import { OverloadedError, type RunSpec } from "../runs/run-registry.ts";
import type { LiveRun } from "../runs/live-run.ts";
import type { Run, RunInfo, RunStatus } from "../runs/run.ts";
import type { WorkflowStage } from "../cases/workflow-stages.ts";
import { driveWorkflow, workflowPlan } from "../runs/workflow-run.ts";
import type { MessageStatus } from "../storage/store.ts";

/** The case with this id; 404 when unknown or malformed. */
export function requireCase(caseId: string) {
  const found = getCase(caseId);
  if (!found) throw new HttpError(404, "not_found", "Case not found");
  return found;
}

/** Starts a workflow run over `stages` of a case. */
export function startWorkflow(
  ctx: AppContext,
  c: Context,
  options: { caseId: string; stages: readonly WorkflowStage[] },
): Promise<Run> {
  requireCase(options.caseId);
  return startRun(ctx, c, {
    spec: { kind: "workflow", plan: workflowPlan(options.stages), caseId: options.caseId },
    drive: (run) => driveWorkflow(run, upstreamOf(ctx), options),
  });
}

/**
 * Starts a chat run: the conversation's earlier messages and the new one go to the model. The
 * conversation and the user message are saved before the run starts (a failed save starts
 * nothing); the assistant message is saved when the run ends.
 */
export async function startChat(
  ctx: AppContext,
  c: Context,
  { message, conversationId, caseId: askedCaseId }: ChatRequest,
): Promise<Run> {
  if (message.length > ctx.config.maxMessageChars) {
    throw new HttpError(
      413,
      "invalid_request",
      `Message exceeds ${ctx.config.maxMessageChars} characters`,
    );
  }
  const existing = conversationId === undefined
    ? undefined
    : await ctx.conversations.get(conversationId);
  if (conversationId !== undefined && !existing) {
    throw new HttpError(404, "not_found", "Conversation not found");
  }
  const caseId = existing?.caseId ?? askedCaseId;
  if (caseId !== undefined) requireCase(caseId);
  const history = [
    ...(existing?.messages ?? [])
      .filter((m) => m.content !== "")
      .map((m) => ({ role: m.role, content: m.content })),
    { role: "user" as const, content: message },
  ];
  const id = existing?.id ?? ctx.newId();
  const withCase = caseId === undefined ? {} : { caseId };
  const run = await startRun(ctx, c, {
    spec: { kind: "chat", plan: CHAT_PLAN, conversationId: id, ...withCase },
    drive: (run) => driveChat(run, upstreamOf(ctx), { history, ...withCase }),
    prepare: async (info) => {
      if (!existing) await ctx.conversations.create({ id, caseId, createdAt: info.createdAt });
      await ctx.conversations.addMessage(id, {
        id: ctx.newId(),
        role: "user",
        content: message,
        reasoning: "",
        status: "complete",
        runId: info.id,
        createdAt: info.createdAt,
      });
    },
  });
  void run.done.then(async () => {
    try {
      await ctx.conversations.addMessage(id, {
        id: ctx.newId(),
        role: "assistant",
        content: run.log.panels.chat,
        reasoning: run.log.panels.reasoning,
        status: messageStatus(run.status),
        runId: run.info.id,
        createdAt: ctx.clock.now(),
      });
    } catch (error) {
      ctx.log("message_save_failed", { runId: run.info.id, error: (error as Error).name });
    }
  });
  return run;
}

/**
 * Keeps a run from being orphaned while a batch request waits for it; if the client goes away,
 * the orphan grace applies as for any viewer.
 */
export async function awaitRun(run: Run, signal: AbortSignal): Promise<void> {
  const holder = {
    position: () => run.log.length,
    liveFrom: 0,
    stalledSince: () => undefined,
    drop: () => {},
  };
  run.addViewer(holder);
  const gone = () => run.removeViewer(holder);
  signal.addEventListener("abort", gone, { once: true });
  try {
    await run.done;
  } finally {
    signal.removeEventListener("abort", gone);
    run.removeViewer(holder);
  }
}

/** What starting a run takes: its spec, its driver, and what must be done before it starts. */
interface RunStart {
  spec: RunSpec;
  drive: (run: LiveRun) => Promise<void>;
  prepare?: (info: RunInfo) => Promise<void>;
}

/** Applies the rate limit and concurrency limit, prepares, then starts the run. */
async function startRun(
  ctx: AppContext,
  c: Context,
  { spec, drive, prepare }: RunStart,
): Promise<LiveRun> {
  const client = clientKey(c);
  const decision = ctx.limiter.attempt(client);
  if (!decision.allowed) {
    ctx.log("rate_limited", { retryAfter: decision.retryAfterSeconds });
    throw new HttpError(429, "rate_limited", "Too many runs started; please wait", {
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    });
  }
  try {
    const run = await ctx.registry.launch(
      spec,
      (run) => settle(run, () => drive(run), { log: ctx.log }),
      prepare ? { prepare } : {},
    );
    return run;
  } catch (error) {
    // Only runs that start count against the limit: not an overloaded server or a failed save.
    ctx.limiter.refund(client);
    if (!(error instanceof OverloadedError)) throw error;
    ctx.log("overloaded", { running: ctx.registry.running });
    throw new HttpError(503, "overloaded", "The server is busy; please try again shortly");
  }
}

/** The model and its limits for a run being started. */
function upstreamOf(ctx: AppContext): Upstream {
  return {
    provider: ctx.modelForRun(),
    clock: ctx.clock,
    idleTimeoutMs: ctx.config.upstreamIdleTimeoutMs,
  };
}

/** The client a request counts against: its remote address when served over a socket. */
function clientKey(c: Context): string {
  const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return info?.remoteAddr?.hostname ?? "local";
}

/** A saved reply's status: its run's, which has ended by the time the reply is saved. */
function messageStatus(status: RunStatus): MessageStatus {
  return status === "running" ? "error" : status;
}
