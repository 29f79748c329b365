/**
 * The middleware in front of every `/api/*` route (DESIGN.md §8). Without auth every caller is
 * `anonymous`. With auth a request needs `Authorization: Bearer <JWT>`, except `GET /api/health`
 * and CORS preflights; a GET of a run's SSE stream may instead carry `?ticket=`, taken here once,
 * for the run its path or cursor names. Anything else is `401 unauthorized`, audited as `deny`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { parseCursor } from "../../protocol/events.ts";
import type { AppContext } from "../context.ts";
import { recordClientAddress, requestAddress } from "../http/client-address.ts";
import { HttpError } from "../http/errors.ts";
import { requestCursor } from "../sse/attach.ts";
import { ANONYMOUS, type Caller, setCaller } from "./identity.ts";
import { TokenRejected } from "./token-verifier.ts";

const RUN_STREAM = /^\/api\/runs\/([^/]+)\/stream$/;
const WORKFLOW_STREAM = /^\/api\/cases\/[^/]+\/workflow\/(start|stages\/[^/]+)\/stream$/;

/** Identifies the caller of every API request, or answers 401. */
export function authenticate(ctx: AppContext): MiddlewareHandler {
  return async (c, next) => {
    recordClientAddress(c, ctx.config.trustProxy);
    const verify = ctx.auth.verify;
    if (!verify) {
      setCaller(c, ANONYMOUS);
      return await next();
    }
    if (c.req.method === "OPTIONS" || new URL(c.req.url).pathname === "/api/health") {
      return await next();
    }
    const header = c.req.header("authorization");
    let caller: Caller | undefined;
    let reason = "missing";
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/.exec(header);
      try {
        caller = match ? await verify(match[1]) : undefined;
        reason = match ? reason : "malformed";
      } catch (error) {
        if (!(error instanceof TokenRejected)) throw error;
        reason = error.message;
      }
    } else if (c.req.query("ticket") !== undefined) {
      caller = await redeemTicket(ctx, c);
      reason = "ticket";
    }
    if (!caller) {
      ctx.log("unauthorized", { route: new URL(c.req.url).pathname.split("/")[2], reason });
      await ctx.auth.storage.audit.append({
        ts: ctx.clock.now(),
        sub: "",
        action: "deny",
        outcome: "unauthorized",
        ip: requestAddress(c),
      });
      throw new HttpError(401, "unauthorized", "Sign-in required", {
        headers: {
          "www-authenticate": header === undefined ? "Bearer" : 'Bearer error="invalid_token"',
        },
      });
    }
    setCaller(c, caller);
    return await next();
  };
}

/**
 * The caller a ticket stands for, when the request is a GET of that ticket's run's stream: the
 * run in the path, or in the cursor of a workflow stream. The ticket is spent either way.
 */
async function redeemTicket(ctx: AppContext, c: Context): Promise<Caller | undefined> {
  const ticket = c.req.query("ticket")!;
  if (c.req.method !== "GET" || !/^[A-Za-z0-9_-]{16,64}$/.test(ticket)) return undefined;
  const path = new URL(c.req.url).pathname;
  const cursor = requestCursor(c);
  const runId = RUN_STREAM.exec(path)?.[1] ??
    (WORKFLOW_STREAM.test(path) && cursor ? parseCursor(cursor)?.runId : undefined);
  if (runId === undefined) return undefined;
  const grant = await ctx.auth.storage.tickets.take(ticket);
  if (!grant || grant.runId !== runId || grant.expiresAt <= ctx.clock.now()) return undefined;
  return {
    sub: grant.sub,
    ...(grant.name === undefined ? {} : { name: grant.name }),
    roles: grant.roles,
    anonymous: false,
    expiresAt: grant.expiresAt,
  };
}
