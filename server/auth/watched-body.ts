/**
 * An SSE body as one signed-in viewer receives it: it ends cleanly, between two frames, when the
 * viewer's credential expires (the client then resumes from its cursor with a fresh token), and
 * it tells presence when the viewer came and went.
 */
import type { Context } from "hono";
import type { AppContext } from "../context.ts";
import type { Run } from "../runs/run.ts";
import type { Clock } from "../runs/timers.ts";
import type { Access } from "./access.ts";
import { callerOf } from "./identity.ts";

/**
 * Passes `body` through chunk by chunk (each chunk is whole frames), closing at `until` (epoch
 * ms, when given) and calling `ended` once however it ends.
 */
export function endingBody(
  body: ReadableStream<Uint8Array>,
  { until, clock, ended }: { until?: number; clock: Clock; ended: (expired: boolean) => void },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let done = false;
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  const finish = (expired: boolean) => {
    if (done) return false;
    done = true;
    clock.clearTimeout(timer);
    ended(expired);
    return true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (until === undefined) return;
      timer = clock.setTimeout(() => {
        if (!finish(true)) return;
        controller.close();
        void reader.cancel().catch(() => {});
      }, Math.max(0, until - clock.now()));
    },
    async pull(controller) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        // An abrupt end (a dropped viewer) stays abrupt.
        if (finish(false)) controller.error(error);
        return;
      }
      if (done) return;
      if (step.done) {
        finish(false);
        controller.close();
      } else {
        controller.enqueue(step.value);
      }
    },
    cancel(reason) {
      finish(false);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** The body transform for a signed-in viewer of a run with `access`: expiry and presence. */
export function viewerWatch(ctx: AppContext, c: Context, access: Access) {
  const caller = callerOf(c);
  return (run: Run, body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> => {
    // Without auth nobody expires and presence names no one: the body stays as it was.
    if (caller.anonymous) return body;
    const leave = ctx.auth.storage.presence.enter(run.info.id, {
      sub: caller.sub,
      ...(caller.name === undefined ? {} : { name: caller.name }),
      role: access,
      since: ctx.clock.now(),
    });
    return endingBody(body, {
      ...(caller.expiresAt === undefined ? {} : { until: caller.expiresAt }),
      clock: ctx.clock,
      ended: (expired) => {
        leave();
        if (expired) ctx.log("viewer_token_expired", { runId: run.info.id });
      },
    });
  };
}
