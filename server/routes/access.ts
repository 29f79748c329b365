/**
 * Access routes (DESIGN.md §8): granting observers, who is watching a run, EventSource tickets,
 * and the audit trail for auditors.
 */
import type { Context, Hono } from "hono";
import * as z from "zod/mini";
import { RunId } from "../../protocol/events.ts";
import { ObserverGrant, StreamTicketRequest } from "../../protocol/access.ts";
import type { AppContext } from "../context.ts";
import { readJson, validate } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import type { Decision } from "../auth/access.ts";
import { type Ask, audit, authorizeConversation, authorizeRun } from "../auth/guard.ts";
import { callerOf, isAuditor } from "../auth/identity.ts";
import type { Run } from "../runs/run.ts";
import { randomId } from "../runs/ids.ts";

const TICKET_TTL_MS = 60_000;
const AUDIT_LIMIT = 10_000;

const AuditQuery = z.strictObject({
  runId: z.optional(RunId),
  sub: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  since: z.optional(
    z.pipe(z.string().check(z.regex(/^\d{1,16}$/)), z.transform((v) => Number(v))),
  ),
});

/** What an unknown run gets on the JSON routes; a stranger gets exactly the same. */
export function runNotFound(): HttpError {
  return new HttpError(404, "not_found", "Run not found");
}

/** Whether `runId` is a well-formed run id. */
export function validRunId(runId: string): boolean {
  return RunId.safeParse(runId).success;
}

/** The run with this id, wherever it is; undefined for a malformed or unknown id. */
export async function findRun(ctx: AppContext, runId: string) {
  return validRunId(runId) ? await ctx.registry.find(runId) : undefined;
}

/** The run, when the caller may `ask` of it; else throws what an unknown id gets, or 403. */
export async function requireRun(
  ctx: AppContext,
  c: Context,
  runId: string,
  ask: Ask,
): Promise<{ run: Run; decision: Decision & { outcome: "allowed" } }> {
  const valid = validRunId(runId);
  const run = await findRun(ctx, runId);
  const decision = await authorizeRun(ctx, c, {
    info: run?.info,
    ...(valid ? { runId } : {}),
    ask,
  });
  if (!run || decision.outcome === "hidden") throw runNotFound();
  if (decision.outcome === "forbidden") throw forbidden();
  return { run, decision };
}

/**
 * The conversation `found` under `id`, when the caller may `ask` of it; else throws what an
 * unknown id gets (a stranger's conversation does not exist for them), or 403.
 */
export async function requireConversation<T extends { id: string; caseId?: string }>(
  ctx: AppContext,
  c: Context,
  { id, found, ask }: { id: string; found: T | undefined; ask: Ask },
): Promise<T> {
  const notFound = new HttpError(404, "not_found", "Conversation not found");
  if (!found) {
    const named = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? { conversationId: id } : {};
    await audit(ctx, c, { action: ask.action, outcome: "not_found", ...named });
    throw notFound;
  }
  const decision = await authorizeConversation(ctx, c, found, ask);
  if (decision.outcome === "forbidden") throw forbidden();
  if (decision.outcome !== "allowed") throw notFound;
  return found;
}

/** 403 for a reader asking what only the owner may do. */
export function forbidden(): HttpError {
  return new HttpError(403, "forbidden", "Only the owner may do this");
}

/** Registers the access routes. */
export function accessRoutes(app: Hono, ctx: AppContext): void {
  const read = <T>(request: Request, schema: z.ZodMiniType<T>) =>
    readJson(request, schema, { maxBytes: ctx.config.maxBodyBytes });

  app.post("/api/runs/:runId/observers", async (c) => {
    const { sub } = await read(c.req.raw, ObserverGrant);
    const { run } = await requireRun(ctx, c, c.req.param("runId"), {
      action: "grant",
      intent: "act",
    });
    const since = ctx.clock.now();
    const { grants } = ctx.auth.storage;
    await grants.grant("run", run.info.id, { sub, since });
    if (run.info.conversationId !== undefined) {
      await grants.grant("conversation", run.info.conversationId, { sub, since });
    }
    ctx.log("observer_granted", { runId: run.info.id });
    return c.body(null, 204);
  });

  app.get("/api/runs/:runId/viewers", async (c) => {
    const { run } = await requireRun(ctx, c, c.req.param("runId"), {
      action: "read",
      intent: "read",
    });
    const viewers = await ctx.auth.storage.presence.list(run.info.id);
    return c.json({ viewers });
  });

  app.post("/api/stream-tickets", async (c) => {
    const { runId } = await read(c.req.raw, StreamTicketRequest);
    const { run } = await requireRun(ctx, c, runId, { action: "read", intent: "read" });
    const caller = callerOf(c);
    const now = ctx.clock.now();
    // A ticket never outlives the token it was obtained with.
    const validUntil = Math.min(now + TICKET_TTL_MS, caller.expiresAt ?? Infinity);
    const ticket = randomId() + randomId();
    await ctx.auth.storage.tickets.put(ticket, {
      runId: run.info.id,
      sub: caller.sub,
      ...(caller.name === undefined ? {} : { name: caller.name }),
      roles: caller.roles,
      expiresAt: caller.expiresAt ?? now + TICKET_TTL_MS,
    }, Math.max(1, validUntil - now));
    return c.json({ ticket }, 201);
  });

  app.get("/api/audit", async (c) => {
    if (!isAuditor(callerOf(c))) {
      throw new HttpError(403, "forbidden", "Only auditors may read the audit trail");
    }
    const filter = validate(AuditQuery, c.req.query(), "Query");
    const entries = await ctx.auth.storage.audit.query(filter, AUDIT_LIMIT);
    const body = entries.map((entry) => JSON.stringify(entry) + "\n").join("");
    return c.body(body, 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
    });
  });
}
