/**
 * The long-poll transport (DESIGN.md §10): `GET /api/runs/:runId/events?after=<cursor>&wait=<ms>`
 * answers `{events, done}` as one complete response, which passes a proxy that buffers streams.
 */
import * as z from "zod/mini";
import { CURSOR_PATTERN } from "./events.ts";

/** The longest a poll may wait for an event: well inside common proxy read timeouts. */
export const MAX_POLL_WAIT_MS = 25_000;

/** A poll's query: the cursor it reads after (from the run's start without one) and its wait. */
export const EventsQuery = z.strictObject({
  after: z.optional(z.string().check(z.regex(CURSOR_PATTERN))),
  wait: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^(0|[1-9][0-9]{0,4})$/)), z.transform(Number)),
      z.number().check(z.maximum(MAX_POLL_WAIT_MS)),
    ),
  ),
});
/** A poll's query, parsed. */
export type EventsQuery = z.infer<typeof EventsQuery>;

/**
 * A poll's answer: the events after the cursor (none when the wait ran out), and whether the run
 * has ended with them. Each event is validated on its own by the reader, as an SSE frame is.
 */
export const EventsAnswer = z.object({ events: z.array(z.unknown()), done: z.boolean() });
/** A poll's answer. */
export type EventsAnswer = z.infer<typeof EventsAnswer>;
