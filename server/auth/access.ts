/**
 * The one authorization rule (DESIGN.md §8), pure: deny by default. The owner reads and acts;
 * observers the owner granted and auditors read only; for anyone else the resource does not
 * exist. A resource without a recorded owner is nobody's: it is denied to every caller with a
 * token (only the anonymous caller of an open server reads and owns everything).
 */
import type { Access } from "../../protocol/access.ts";
import { type Caller, isAuditor } from "./identity.ts";

export type { Access } from "../../protocol/access.ts";

/**
 * What a caller asks to do: read (attach, resume, replay, GET), review (a run's audit entries and
 * exported record: the owner and auditors, not observers) or act (cancel, grant, follow up).
 */
export type Intent = "read" | "review" | "act";

/** Who holds a run or conversation. */
export interface Holders {
  owner?: string;
  observers: readonly string[];
}

/** The verdict: allowed with the caller's access, `hidden` (answer as unknown), or `forbidden`. */
export type Decision =
  | { outcome: "allowed"; access: Access }
  | { outcome: "hidden" }
  | { outcome: "forbidden"; access: Access };

/** The caller's access to a resource, or undefined when the caller is a stranger to it. */
export function accessOf(caller: Caller, holders: Holders): Access | undefined {
  if (caller.anonymous) return "owner";
  if (holders.owner === undefined || holders.owner === "") return undefined;
  if (holders.owner === caller.sub) return "owner";
  if (holders.observers.includes(caller.sub)) return "observer";
  if (isAuditor(caller)) return "auditor";
  return undefined;
}

/** Decides whether `caller` may do `intent` on a resource held by `holders`. */
export function decide(caller: Caller, holders: Holders, intent: Intent): Decision {
  const access = accessOf(caller, holders);
  if (access === undefined) return { outcome: "hidden" };
  if (intent === "act" && access !== "owner") return { outcome: "forbidden", access };
  if (intent === "review" && access === "observer") return { outcome: "forbidden", access };
  return { outcome: "allowed", access };
}
