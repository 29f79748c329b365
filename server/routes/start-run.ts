/**
 * Starting runs on behalf of a request: the per-client rate limit, the concurrency limit, the
 * case and conversation lookups, and saving the chat messages when the run ends.
 */
import type { Context } from "hono";
import type { ChatRequest } from "../../protocol/requests.ts";
import type { AppContext } from "../context.ts";
import type { AuditAction } from "../auth/auth-storage.ts";
import { audit, runSubject } from "../auth/guard.ts";
import { callerOf } from "../auth/identity.ts";
import { clientKey } from "../http/client-key.ts";
import { HttpError } from "../http/errors.ts";
import { chatTurns } from "../runs/chat-history.ts";
import { recalledTurns } from "../runs/history-summary.ts";
import { CHAT_PLAN, driveChat } from "../runs/chat-run.ts";
import { settle, type Upstream } from "../runs/drive.ts";
import { OverloadedError, type RunSpec } from "../runs/run-registry.ts";
import type { LiveRun } from "../runs/live-run.ts";
import type { Run, RunInfo, RunStatus } from "../runs/run.ts";
import { driveWorkflow, workflowPlan, type WorkflowWork } from "../runs/workflow-run.ts";
import { requireConversation, requireRun } from "./access.ts";
import { chatContext } from "./chat-context.ts";
import type { MessageStatus } from "../storage/store.ts";

const READ = { action: "read", intent: "read" } as const;

/** The catalog case with this id; 404 when unknown or malformed. */
export function requireCase(ctx: AppContext, caseId: string) {
  const found = ctx.cases.get(caseId);
  if (!found) throw new HttpError(404, "not_found", "Case not found");
  return found;
}

/** Starts a workflow run: stages of a workflow over an input (a catalog case's, or the caller's). */
export function startWorkflow(ctx: AppContext, c: Context, work: WorkflowWork): Promise<Run> {
  const { workflow, input, caseId } = work;
  return startRun(ctx, c, {
    spec: {
      kind: "workflow",
      plan: workflowPlan(work.stages),
      workflow: workflow.id,
      input,
      ...(caseId === undefined ? {} : { caseId }),
    },
    drive: (run) => driveWorkflow(run, upstreamOf(ctx), work),
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
  { message, conversationId, caseId: askedCaseId, runId: aboutRunId }: ChatRequest,
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
  // Only the owner follows up.
  if (conversationId !== undefined) {
    await requireConversation(ctx, c, {
      id: conversationId,
      found: existing,
      ask: { action: "message", intent: "act" },
    });
  }
  const aboutRun = aboutRunId === undefined
    ? undefined
    : (await requireRun(ctx, c, aboutRunId, READ)).run;
  const about = chatContext(ctx, { caseId: existing?.caseId ?? askedCaseId, aboutRun });
  const { caseId } = about;
  const { history, retryOf, earlier } = chatTurns(existing?.messages ?? [], message, {
    maxChars: ctx.config.historyMaxChars,
  });
  const id = existing?.id ?? ctx.newId();
  const withCase = caseId === undefined ? {} : { caseId };
  const run = await startRun(ctx, c, {
    spec: { kind: "chat", plan: CHAT_PLAN, conversationId: id, ...withCase, ...about.spec },
    drive: async (run) => {
      // Once: the model for a run is chosen when it is asked for (a demo fault belongs to one run).
      const upstream = upstreamOf(ctx);
      const turns = await recalledTurns(run, {
        conversationId: id,
        earlier,
        message,
        fallback: history,
        maxChars: ctx.config.historyMaxChars,
        summaries: ctx.summaries,
        upstream,
        log: ctx.log,
      });
      await driveChat(run, upstream, { history: turns, ...withCase, ...about.prompt(turns) });
    },
    action: retryOf ? "retry" : "message",
    prepare: async (info) => {
      if (!existing) {
        // The owner first: a conversation saved without one would be nobody's, never a stranger's.
        await ctx.auth.storage.grants.setOwner("conversation", id, {
          sub: callerOf(c).sub,
          since: info.createdAt,
        });
        await ctx.conversations.create({ id, caseId, createdAt: info.createdAt });
      }
      // A retry answers the message already stored.
      if (retryOf) return;
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
  /** How the start is audited: a workflow `start` (default), a chat `message` or `retry`. */
  action?: AuditAction;
  drive: (run: LiveRun) => Promise<void>;
  prepare?: (info: RunInfo) => Promise<void>;
}

/** Seconds a client at its cap of runs in flight is told to wait. */
const RUNS_RETRY_AFTER_SECONDS = 5;

/**
 * Applies the client's cap of runs in flight, the rate limit and the concurrency limit, prepares,
 * then starts the run.
 */
async function startRun(
  ctx: AppContext,
  c: Context,
  { spec, drive, prepare, action = "start" }: RunStart,
): Promise<LiveRun> {
  const client = clientKey(c);
  const release = ctx.caps.runs.take(client);
  if (!release) {
    ctx.log("runs_capped", { running: ctx.caps.runs.heldBy(client) });
    throw new HttpError(429, "rate_limited", "Too many runs in progress; please wait", {
      headers: { "retry-after": String(RUNS_RETRY_AFTER_SECONDS) },
    });
  }
  const decision = ctx.limiter.attempt(client);
  if (!decision.allowed) {
    release();
    ctx.log("rate_limited", { retryAfter: decision.retryAfterSeconds });
    throw new HttpError(429, "rate_limited", "Too many runs started; please wait", {
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    });
  }
  try {
    const run = await ctx.registry.launch(
      { ...spec, owner: callerOf(c).sub },
      (run) => settle(run, () => drive(run), { log: ctx.log }),
      prepare ? { prepare } : {},
    );
    await audit(ctx, c, { action, outcome: "allowed", ...runSubject(run.info) });
    void run.done.then(release);
    void run.done.then(() => ctx.webhooks?.runEnded(run));
    return run;
  } catch (error) {
    // Only runs that start count against the limit: not an overloaded server or a failed save.
    release();
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
    maxOutputTokens: ctx.config.maxOutputTokens,
  };
}

/** A saved reply's status: its run's, which has ended by the time the reply is saved. */
function messageStatus(status: RunStatus): MessageStatus {
  return status === "running" ? "error" : status;
}
