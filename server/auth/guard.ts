/**
 * Authorization at the routes: every decision about a run or conversation goes through
 * `authorize`, which looks up who holds it, applies the one rule of `access.ts` and appends the
 * decision to the audit trail. Routes turn `hidden` into exactly what an unknown id gets.
 */
import type { Context } from "hono";
import type { AppContext } from "../context.ts";
import type { RunInfo } from "../runs/run.ts";
import { decide, type Decision, type Holders, type Intent } from "./access.ts";
import type { AuditAction } from "./auth-storage.ts";
import { requestAddress } from "../http/client-address.ts";
import { callerOf } from "./identity.ts";

/** What a decision is about, for the audit trail. */
export interface Subject {
  runId?: string;
  conversationId?: string;
  caseId?: string;
}

/** The action audited and whether it reads or acts. */
export interface Ask {
  action: AuditAction;
  intent: Intent;
}

/** Who holds a run: the owner in its info; observers granted on it or on its conversation. */
export async function runHolders(ctx: AppContext, info: RunInfo): Promise<Holders> {
  const { grants } = ctx.auth.storage;
  const [own, conversation] = await Promise.all([
    grants.holders("run", info.id),
    info.conversationId === undefined
      ? undefined
      : grants.holders("conversation", info.conversationId),
  ]);
  return {
    ...(info.owner === undefined ? {} : { owner: info.owner }),
    observers: [...own.observers, ...(conversation?.observers ?? [])],
  };
}

/**
 * Decides whether the caller may `ask` of a run, and audits the decision. A run that was not
 * found (`info` undefined) is `hidden`, as a stranger's is: both take the same path from here.
 */
export async function authorizeRun(
  ctx: AppContext,
  c: Context,
  { info, runId, ask }: { info: RunInfo | undefined; runId?: string; ask: Ask },
): Promise<Decision> {
  if (!info) {
    await audit(ctx, c, { action: ask.action, outcome: "not_found", runId });
    return { outcome: "hidden" };
  }
  const caller = callerOf(c);
  const holders = caller.anonymous ? { observers: [] } : await runHolders(ctx, info);
  return await record(ctx, c, decide(caller, holders, ask.intent), {
    ask,
    subject: runSubject(info),
  });
}

/** Decides whether the caller may `ask` of a conversation, and audits the decision. */
export async function authorizeConversation(
  ctx: AppContext,
  c: Context,
  conversation: { id: string; caseId?: string },
  ask: Ask,
): Promise<Decision> {
  const caller = callerOf(c);
  const holders = caller.anonymous
    ? { observers: [] }
    : await ctx.auth.storage.grants.holders("conversation", conversation.id);
  return await record(ctx, c, decide(caller, holders, ask.intent), {
    ask,
    subject: {
      conversationId: conversation.id,
      ...(conversation.caseId === undefined ? {} : { caseId: conversation.caseId }),
    },
  });
}

/** Appends one decision (or an allowed action that needs no holders, as a start) to the trail. */
export async function audit(
  ctx: AppContext,
  c: Context,
  entry: { action: AuditAction; outcome: Decision["outcome"] | "not_found" } & Subject,
): Promise<void> {
  const { outcome, ...rest } = entry;
  await ctx.auth.storage.audit.append({
    ts: ctx.clock.now(),
    sub: callerOf(c).sub,
    ...rest,
    outcome: outcome === "hidden" ? "not_found" : outcome,
    ip: requestAddress(c),
  });
}

/** The audit subject of a run. */
export function runSubject(info: RunInfo): Subject {
  return {
    runId: info.id,
    ...(info.conversationId === undefined ? {} : { conversationId: info.conversationId }),
    ...(info.caseId === undefined ? {} : { caseId: info.caseId }),
  };
}

async function record(
  ctx: AppContext,
  c: Context,
  decision: Decision,
  { ask, subject }: { ask: Ask; subject: Subject },
): Promise<Decision> {
  await audit(ctx, c, { action: ask.action, outcome: decision.outcome, ...subject });
  return decision;
}
