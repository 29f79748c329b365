// @ts-check
/** The server's JSON API as this page uses it. */

/** @typedef {import("../../server/cases/clinical-case.ts").CaseSummary} CaseSummary */
/** @typedef {import("../../server/cases/clinical-case.ts").ClinicalCase} ClinicalCase */

/** @type {(() => Promise<string>) | undefined} */
let token;

/** Signs every later request in with this token source. @param {() => Promise<string>} source */
export function useToken(source) {
  token = source;
}

/**
 * A JSON request; an error answer throws with the server's message, `status` and `code`.
 * @param {string} path @param {RequestInit} [init]
 */
export async function api(path, init) {
  const headers = new Headers(init?.headers);
  if (token) headers.set("authorization", `Bearer ${await token()}`);
  const response = await fetch(path, { ...init, headers });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = body?.error?.message ?? `HTTP ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status, code: body?.error?.code });
  }
  return body;
}

/** A JSON POST. @param {string} path @param {unknown} body */
export function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The SSE URL that starts a case's four-stage analysis. @param {string} caseId */
export function workflowUrl(caseId) {
  return `/api/cases/${encodeURIComponent(caseId)}/workflow/start/stream`;
}
