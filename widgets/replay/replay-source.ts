/**
 * What `<run-replay>` loads from the server: the run's events (through the long-poll endpoint,
 * page by page, each event validated once here), its audit entries when the caller may review
 * them, and its sealed record for download.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { requestHeaders } from "../connection/credentials.ts";
import { requestJson } from "../connection/http.ts";
import type { TokenSource } from "../connection/token-source.ts";
import { runUrl } from "../connection/urls.ts";

/** One line of a run's audit trail, as `GET /api/runs/:runId/audit` answers it. */
export interface AuditLine {
  ts: number;
  sub: string;
  action: string;
  outcome: string;
}

/** Where the run lives and what signs the requests. */
export interface ReplaySource {
  apiBase: string;
  runId: string;
  token?: TokenSource;
}

/** Why loading failed: the run is not there for this caller, or the server could not be reached. */
export class ReplayLoadError extends Error {
  constructor(readonly code: "not_found" | "unavailable") {
    super(`Replay could not load: ${code}`);
  }
}

const headersOf = (source: ReplaySource) => requestHeaders({ headers: {}, token: source.token });

/** Every event of the run, in log order; an unfinished run gives what it has logged so far. */
export async function loadEvents(source: ReplaySource): Promise<SequencedEvent[]> {
  const events: SequencedEvent[] = [];
  const base = `${runUrl(source.apiBase, source.runId)}/events`;
  for (;;) {
    const after = events.length === 0 ? "" : `?after=${source.runId}.${events.at(-1)!.seq}`;
    const outcome = await requestJson(fetch, `${base}${after}`, {
      headers: await headersOf(source),
    });
    if (outcome.type === "refused" && outcome.status === 404) {
      throw new ReplayLoadError("not_found");
    }
    if (outcome.type !== "ok") throw new ReplayLoadError("unavailable");
    const page = outcome.body as { events?: unknown[]; done?: boolean };
    for (const raw of page.events ?? []) {
      const parsed = parseEvent(JSON.stringify(raw));
      if (parsed.ok && parsed.event.type !== "heartbeat") events.push(parsed.event);
    }
    if (page.done || (page.events ?? []).length === 0) return events;
  }
}

/** The run's audit entries, or undefined when the caller may not review them (an observer). */
export async function loadAudit(source: ReplaySource): Promise<AuditLine[] | undefined> {
  const outcome = await requestJson(fetch, `${runUrl(source.apiBase, source.runId)}/audit`, {
    headers: await headersOf(source),
  });
  if (outcome.type !== "ok") return undefined;
  return (outcome.body as { entries: AuditLine[] }).entries;
}

/** Saves the run's sealed record as a download; false when it could not be fetched. */
export async function downloadRecord(source: ReplaySource): Promise<boolean> {
  let record: Blob;
  try {
    const response = await fetch(`${runUrl(source.apiBase, source.runId)}/export`, {
      headers: await headersOf(source),
      cache: "no-store",
    });
    if (!response.ok) return false;
    record = await response.blob();
  } catch {
    return false;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(record);
  link.download = `run-${source.runId}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
  return true;
}
