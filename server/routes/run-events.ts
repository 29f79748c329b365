/**
 * The long-poll endpoint (DESIGN.md §10): a run's events after a cursor as one complete JSON
 * answer, for paths where a proxy holds streamed responses back.
 */
import type { Hono } from "hono";
import { parseCursor } from "../../protocol/events.ts";
import { findRun } from "./access.ts";
import { EventsQuery } from "../../protocol/poll.ts";
import { streamReader } from "../auth/stream-access.ts";
import type { AppContext } from "../context.ts";
import { validate } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { errorMessage } from "../runs/error-messages.ts";
import { pollRun } from "../runs/poll-run.ts";
import { requireStreaming } from "./shared.ts";

/** Registers `GET /api/runs/:runId/events`. */
export function runEventsRoutes(app: Hono, ctx: AppContext): void {
  // What an SSE resume answers in-band as `stream_lost`, as a JSON error.
  const lost = () => new HttpError(404, "stream_lost", errorMessage("stream_lost"));

  app.get("/api/runs/:runId/events", async (c) => {
    requireStreaming(ctx);
    const { after, wait = 0 } = validate(EventsQuery, c.req.query(), "Query");
    const run = await findRun(ctx, c.req.param("runId"));
    // A run the caller may not read is lost, exactly as an unknown one.
    if (!(await streamReader(ctx, c).readable(run, after !== undefined)) || !run) throw lost();
    // A cursor of another run, or past what the run has logged (a run lost in a restart), is lost.
    const cursor = after === undefined ? { runId: run.info.id, seq: 0 } : parseCursor(after);
    if (!cursor || cursor.runId !== run.info.id || cursor.seq > run.log.lastSeq) throw lost();
    const answer = await pollRun(run, cursor.seq, {
      waitMs: wait,
      clock: ctx.clock,
      signal: c.req.raw.signal,
    });
    return c.body(`{"events":${answer.eventsJson},"done":${answer.done}}`, 200, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    });
  });
}
