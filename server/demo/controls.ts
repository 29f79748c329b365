/**
 * Demo controls for the stakeholder demo and tests (mounted only with DEMO_CONTROLS): one-shot
 * faults for the next run, the scripted model's pace, and the streaming flag.
 */
import type { Hono } from "hono";
import * as z from "zod/mini";
import type { AppContext } from "../context.ts";
import { readJson } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { isScripted, type ScriptedFault, type ScriptedProvider } from "../providers/scripted.ts";

/** What is armed for the next run. */
export interface DemoArms {
  /** The next run's model fails, stalls or is rate limited. */
  fault?: ScriptedFault;
  /** The next fresh SSE response ends abruptly after this many content characters. */
  cut?: number;
  /** The next SSE response is held back as by a buffering proxy. */
  hold?: boolean;
}

const DEFAULT_AFTER_CHARS = 300;
const count = z.int().check(z.minimum(0), z.maximum(1_000_000));

const FaultRequest = z.strictObject({
  fault: z.enum(["fail", "stall", "rate_limit", "cut", "buffer", "none"]),
  afterChars: z.optional(count),
});
const PaceRequest = z.strictObject({
  charsPerSec: z.int().check(z.minimum(1), z.maximum(1_000_000)),
});
const StreamingRequest = z.strictObject({ enabled: z.boolean() });

/** Registers the demo control routes, which arm `arms`. */
export function controlRoutes(app: Hono, ctx: AppContext, arms: DemoArms): void {
  const read = <T>(request: Request, schema: z.ZodMiniType<T>) =>
    readJson(request, schema, { maxBytes: ctx.config.maxBodyBytes });
  /** The scripted model, whose controls these are; 409 with any other provider. */
  const requireScripted = (): ScriptedProvider => {
    if (!isScripted(ctx.provider)) {
      throw new HttpError(409, "invalid_request", "This control needs the scripted provider");
    }
    return ctx.provider;
  };

  app.post("/api/demo/faults", async (c) => {
    const { fault, afterChars = DEFAULT_AFTER_CHARS } = await read(c.req.raw, FaultRequest);
    switch (fault) {
      case "fail":
      case "stall":
        requireScripted();
        arms.fault = { kind: fault, afterChars };
        break;
      case "rate_limit":
        requireScripted();
        arms.fault = { kind: "rate_limit" };
        break;
      case "cut":
        arms.cut = afterChars;
        break;
      case "buffer":
        arms.hold = true;
        break;
      case "none":
        arms.fault = undefined;
        arms.cut = undefined;
        arms.hold = undefined;
        break;
    }
    ctx.log("demo_fault_armed", { fault, afterChars });
    return c.json({ armed: fault });
  });

  app.post("/api/demo/pace", async (c) => {
    const { charsPerSec } = await read(c.req.raw, PaceRequest);
    requireScripted().setCharsPerSec(charsPerSec);
    return c.json({ charsPerSec });
  });

  app.post("/api/demo/streaming", async (c) => {
    const { enabled } = await read(c.req.raw, StreamingRequest);
    ctx.state.streamingEnabled = enabled;
    ctx.log("streaming_switched", { enabled });
    return c.json({ streaming: enabled });
  });
}
