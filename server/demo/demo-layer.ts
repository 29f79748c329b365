/**
 * The stakeholder demo as a layer around the core, installed only when demo controls are on: its
 * switches as routes, its model faults as the provider the next run is started with, its
 * connection cut as a transform around the next fresh SSE response, and its buffering hop as that
 * response held back. The core never sees it.
 */
import type { Hono } from "hono";
import type { AppContext } from "../context.ts";
import { isScripted, withFaultForRun } from "../providers/scripted.ts";
import { requestCursor } from "../sse/attach.ts";
import { controlRoutes, type DemoArms } from "./controls.ts";
import { cutAfter } from "./cut.ts";
import { heldBack } from "./hold.ts";

/** Installs the demo layer on the app. */
export function installDemo(app: Hono, ctx: AppContext): void {
  const arms: DemoArms = {};
  const { provider } = ctx;
  ctx.modelForRun = () => {
    const fault = arms.fault;
    arms.fault = undefined;
    return fault && isScripted(provider) ? withFaultForRun(provider, fault) : provider;
  };
  app.use("/api/*", async (c, next) => {
    await next();
    const fresh = requestCursor(c) === undefined;
    const sse = c.res.headers.get("content-type")?.startsWith("text/event-stream");
    if (arms.hold && sse && c.res.body) {
      arms.hold = undefined;
      ctx.log("viewer_held", {});
      c.res = await heldBack(c.res);
      return;
    }
    if (arms.cut === undefined || !fresh || !sse || !c.res.body) return;
    const chars = arms.cut;
    arms.cut = undefined;
    const body = cutAfter(c.res.body, chars, () => ctx.log("viewer_cut", { chars }));
    c.res = new Response(body, c.res);
  });
  controlRoutes(app, ctx, arms);
}
