/** The JSON side of the API as the elements use it: one request helper and error classification. */
import { ApiError } from "../../protocol/api-error.ts";
import { retryAfterMs } from "../../protocol/retry-after.ts";
import type { StreamOutcome } from "./transport.ts";

/** An HTTP error answer. */
export type Refusal = Extract<StreamOutcome, { type: "refused" }>;

/** A JSON request's outcome: the body, an HTTP error, or no response at all. */
export type JsonOutcome =
  | { type: "ok"; body: unknown }
  | Refusal
  | { type: "failed"; request?: string };

/** Reads an error response into the parts a caller decides on: status, code, `Retry-After`. */
export async function refusalOf(response: Response, method = "GET"): Promise<Refusal> {
  const refusal: Refusal = {
    type: "refused",
    status: response.status,
    request: requestLabel(method, response.url),
  };
  const retryAfter = retryAfterMs(response.headers.get("Retry-After"), Date.now());
  if (retryAfter !== undefined) refusal.retryAfterMs = retryAfter;
  try {
    const body = ApiError.safeParse(await response.json());
    if (body.success) {
      refusal.code = body.data.error.code;
      refusal.message = body.data.error.message;
    }
  } catch {
    // Not JSON (a proxy's error page): the status alone decides.
  }
  return refusal;
}

/**
 * A request as an error names it, so that a misconfigured `src` or `api-base` shows where the
 * elements went: the method and the URL (resolved against the page) without query or fragment,
 * which may carry anything.
 */
export function requestLabel(method: string, url: string): string {
  const base = globalThis.location?.href;
  const full = base && URL.canParse(url, base) ? new URL(url, base).href : url;
  return `${method} ${full.replace(/[?#].*$/s, "")}`;
}

/** Whether an HTTP error is worth repeating: timeouts, rate limits and server errors are. */
export function isRetryable(refusal: Refusal): boolean {
  return refusal.status === 408 || refusal.status === 429 || refusal.status >= 500;
}

/**
 * Sends a JSON request (a body means POST) and reads the JSON answer. Never rejects: an aborted
 * request is `failed`.
 */
export async function requestJson(
  fetchImpl: typeof fetch,
  url: string,
  { body, headers = {}, signal }: {
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<JsonOutcome> {
  const init: RequestInit = {
    headers: { ...headers, Accept: "application/json" },
    cache: "no-store",
  };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.method = "POST";
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  try {
    const response = await fetchImpl(url, init);
    if (!response.ok) return await refusalOf(response, init.method);
    return { type: "ok", body: await response.json() };
  } catch {
    return { type: "failed", request: requestLabel(init.method ?? "GET", url) };
  }
}
