/**
 * The access check of an SSE request for an existing run: `readable` decides (attach, resume or
 * replay) and audits; `watch` then wraps the body for that caller with the access just decided.
 */
import type { Context } from "hono";
import type { AppContext } from "../context.ts";
import type { Run } from "../runs/run.ts";
import type { Watch } from "../sse/attach.ts";
import type { Access } from "./access.ts";
import { authorizeRun } from "./guard.ts";
import { viewerWatch } from "./watched-body.ts";

/** The check and the body wrapper of one SSE request. */
export function streamReader(ctx: AppContext, c: Context): {
  readable(run: Run | undefined, resuming?: boolean): Promise<boolean>;
  watch: Watch;
} {
  let access: Access = "owner";
  return {
    async readable(run, resuming = false) {
      const action = resuming ? "resume" : run && !run.running ? "replay" : "attach";
      const decision = await authorizeRun(ctx, c, {
        info: run?.info,
        ask: { action, intent: "read" },
      });
      if (decision.outcome !== "allowed") return false;
      access = decision.access;
      return true;
    },
    watch: (run, body) => viewerWatch(ctx, c, access)(run, body),
  };
}
