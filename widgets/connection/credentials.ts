/**
 * The signed-in user's credentials on every request (DESIGN.md §8): the provider's `token` is
 * read afresh before each connection and API call, so a host page that refreshes its token has
 * the next request carry the new one. A native EventSource cannot send headers: it gets a
 * single-use ticket for the run instead.
 */
import { parseCursor } from "../../protocol/events.ts";
import type { TokenSource } from "./token-source.ts";
import { requestJson } from "./http.ts";
import { apiBaseOf } from "./urls.ts";

/** What a request is signed with: the host page's headers and the provider's token. */
export interface Credentials {
  headers: Record<string, string>;
  token?: TokenSource;
}

/**
 * The headers of one request: the host page's own, plus `Authorization: Bearer` when a token is
 * set. Without a token they come at once, so that a request starts in the same turn as before.
 */
export function requestHeaders(
  { headers, token }: Credentials,
): Record<string, string> | Promise<Record<string, string>> {
  if (token === undefined || token === "") return headers;
  return (async () => {
    const value = typeof token === "function" ? await token() : token;
    return value ? { ...headers, Authorization: `Bearer ${value}` } : headers;
  })();
}

/** The run an EventSource URL or cursor names, when it names one. */
function runOf(url: string, cursor?: string): string | undefined {
  const fromCursor = cursor === undefined ? undefined : parseCursor(cursor)?.runId;
  return fromCursor ?? /\/api\/runs\/([A-Za-z0-9_-]{16,64})\/stream(?:\?|$)/.exec(url)?.[1];
}

/**
 * `url` with a fresh `?ticket=` for its run, when a token is set; `url` itself without one, or
 * when no run is known yet (the server then answers 401, as for any request without a token).
 */
export async function ticketedUrl(
  fetchImpl: typeof fetch,
  { url, cursor, headers }: { url: string; cursor?: string; headers: Record<string, string> },
): Promise<string> {
  const runId = runOf(url, cursor);
  if (!("Authorization" in headers) || runId === undefined) return url;
  const outcome = await requestJson(fetchImpl, `${apiBaseOf(url)}/api/stream-tickets`, {
    body: { runId },
    headers,
  });
  if (outcome.type !== "ok") return url;
  const ticket = (outcome.body as { ticket?: unknown }).ticket;
  if (typeof ticket !== "string") return url;
  return `${url}${url.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(ticket)}`;
}
