/** The real server's API as the browser suite drives it: demo controls and run probes. */

/** Sends a JSON request to the server (same origin, proxied) and returns the parsed answer. */
export async function api<T = unknown>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(
    path,
    body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  return await response.json() as T;
}

/** One-shot fault for the server's next run (or the next SSE response, for `cut`). */
export function armFault(
  fault: "fail" | "stall" | "rate_limit" | "cut" | "none",
  afterChars?: number,
) {
  return api("/api/demo/faults", afterChars === undefined ? { fault } : { fault, afterChars });
}

/** Turns the streaming feature flag on or off. */
export function setStreaming(enabled: boolean) {
  return api("/api/demo/streaming", { enabled });
}

/** Sets the scripted model's pace. */
export function setPace(charsPerSec: number) {
  return api("/api/demo/pace", { charsPerSec });
}

/** A run's status as `GET /api/runs/:id` reports it. */
export interface RunProbe {
  runId: string;
  kind: "workflow" | "chat";
  status: "running" | "complete" | "cancelled" | "error";
  lastSeq: number;
  panels: { reasoning: string; chat: string };
}

/** `GET /api/runs/:runId`. */
export function probeRun(runId: string): Promise<RunProbe> {
  return api<RunProbe>(`/api/runs/${runId}`);
}

/** The scripted model's pace the suite's server starts with (scripts/deno-server.mjs). */
export const TEST_PACE = 20000;

/** Puts the server back in its default test state: no fault armed, streaming on, fast pace. */
export async function resetServer(): Promise<void> {
  await armFault("none");
  await setStreaming(true);
  await setPace(TEST_PACE);
}
