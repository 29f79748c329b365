/** Maps the element's `src` onto the other endpoints of the same API. Pure string work. */
import type { Work } from "./connection-types.ts";

const WORKFLOW_STREAM =
  /^(.*\/api\/cases\/([^/?#]+)\/workflow)\/(?:start|stages\/([^/?#]+))\/stream(?:[?#].*)?$/;

/** What the batch fallback posts for the work a stream URL starts. */
export interface BatchRequest {
  url: string;
  body: Record<string, string>;
}

/** The API base a `src` belongs to: everything before `/api/` ("" for a same-origin path). */
export function apiBaseOf(src: string): string {
  const at = src.indexOf("/api/");
  return at === -1 ? "" : src.slice(0, at);
}

/** A run's endpoint under `apiBase`: its status, or its `stream` or `cancel` action. */
export function runUrl(
  apiBase: string,
  runId: string,
  { action }: { action?: "stream" | "cancel" } = {},
): string {
  const run = `${apiBase}/api/runs/${encodeURIComponent(runId)}`;
  return action === undefined ? run : `${run}/${action}`;
}

/** The health endpoint of the API the work uses. */
export function healthUrl(work: Work): string {
  const base = work.kind === "chat" ? work.apiBase : apiBaseOf(work.url);
  return `${base}/api/health`;
}

/** A saved conversation's endpoint under `apiBase`. */
export function conversationUrl(apiBase: string, conversationId: string): string {
  return `${apiBase}/api/conversations/${encodeURIComponent(conversationId)}`;
}

/** The case a workflow `src` is about, so a chat sent through the same provider can name it. */
export function caseIdOf(src: string): string | undefined {
  const match = WORKFLOW_STREAM.exec(src);
  return match ? decodeURIComponent(match[2]) : undefined;
}

/**
 * The batch request doing what a workflow stream URL does, or `undefined` when the URL only
 * attaches to a run (nothing to restart).
 */
export function batchRequestOf(src: string): BatchRequest | undefined {
  const match = WORKFLOW_STREAM.exec(src);
  if (!match) return undefined;
  const body: Record<string, string> = match[3] === undefined
    ? {}
    : { stage: decodeURIComponent(match[3]) };
  return { url: `${match[1]}/run`, body };
}

/** The URL with its `lastEventId` query parameter set (how an EventSource resumes on our reconnects). */
export function withLastEventId(url: string, cursor: string): string {
  const hash = url.indexOf("#");
  const path = hash === -1 ? url : url.slice(0, hash);
  const kept = path.replace(
    /([?&])lastEventId=[^&]*(&|$)/,
    (_, lead: string, tail: string) => (tail ? lead : ""),
  );
  const separator = kept.includes("?")
    ? (kept.endsWith("?") || kept.endsWith("&") ? "" : "&")
    : "?";
  return `${kept}${separator}lastEventId=${encodeURIComponent(cursor)}`;
}

/** A URL the server returned (root-relative) as seen from `apiBase`; absolute URLs stay as they are. */
export function rebase(url: string, apiBase: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${apiBase}${url}`;
}
