/**
 * Who is calling (DESIGN.md §8): the subject of a verified token, or `anonymous` when the server
 * runs without auth. Routes read it through `callerOf`; only the authenticate middleware sets it.
 */
import type { Context } from "hono";

/** The role that reads every run, conversation and the audit trail. */
export const AUDITOR_ROLE = "auditor";

/** The caller of a request. */
export interface Caller {
  /** The user's id (`sub`); `anonymous` without auth. */
  sub: string;
  /** Display name, when the token carries one. */
  name?: string;
  roles: readonly string[];
  /** Without auth: owns and reads everything, as the embedded default always did. */
  anonymous: boolean;
  /** Epoch ms until which the credential of this request is accepted; none when anonymous. */
  expiresAt?: number;
}

/** The caller of every request when auth is off. */
export const ANONYMOUS: Caller = Object.freeze({
  sub: "anonymous",
  roles: Object.freeze([]),
  anonymous: true,
});

const KEY = "caller";

/** Records the caller of a request (the authenticate middleware only). */
export function setCaller(c: Context, caller: Caller): void {
  c.set(KEY as never, caller as never);
}

/** The caller of a request; throws when no middleware identified one (a wiring error). */
export function callerOf(c: Context): Caller {
  const caller = knownCaller(c);
  if (!caller) throw new Error("Request has no caller");
  return caller;
}

/** The caller of a request, when one was identified. */
export function knownCaller(c: Context): Caller | undefined {
  return c.get(KEY as never) as Caller | undefined;
}

/** Whether the caller holds the auditor role. */
export function isAuditor(caller: Caller): boolean {
  return caller.anonymous || caller.roles.includes(AUDITOR_ROLE);
}
