/** Request and response bodies of the identity routes (DESIGN.md §8). Unknown fields rejected. */
import * as z from "zod/mini";
import { RunId } from "./events.ts";

/** How a caller may use a run: `GET /api/runs/:runId` reports it as `access`. */
export const Access = z.enum(["owner", "observer", "auditor"]);
/** An access level. */
export type Access = z.infer<typeof Access>;

/** `POST /api/runs/:runId/observers`: the user to grant read access. */
export const ObserverGrant = z.strictObject({
  sub: z.string().check(z.minLength(1), z.maxLength(256), z.regex(/^\P{Cc}+$/u)),
});
/** An observer grant body. */
export type ObserverGrant = z.infer<typeof ObserverGrant>;

/** `POST /api/stream-tickets`: the run an EventSource will open. */
export const StreamTicketRequest = z.strictObject({ runId: RunId });
/** A ticket request body. */
export type StreamTicketRequest = z.infer<typeof StreamTicketRequest>;

/** One viewer in `GET /api/runs/:runId/viewers`. */
export const Viewer = z.object({
  sub: z.string(),
  name: z.optional(z.string()),
  role: Access,
  since: z.number(),
});
/** A viewer. */
export type Viewer = z.infer<typeof Viewer>;

/** `GET /api/runs/:runId/viewers`. */
export const ViewersResponse = z.object({ viewers: z.array(Viewer) });
/** A viewers answer. */
export type ViewersResponse = z.infer<typeof ViewersResponse>;
