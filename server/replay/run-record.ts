/**
 * Builds a run's exported record (protocol/run-record.ts): the run as logged, event for event
 * with its server time, the panel digests, and the audit entries about the run — ids and
 * outcomes from the trail, no content beyond the run's own events.
 */
import { RUN_RECORD_FORMAT, sealRecord } from "../../protocol/run-record.ts";
import type { AuditEntry } from "../auth/auth-storage.ts";
import { digestOf } from "../runs/digest.ts";
import type { Run } from "../runs/run.ts";

/** The sealed record of `run` with its `audit` entries, exported at `now` (epoch ms). */
export async function runRecordFile(
  run: Run,
  { audit, now }: { audit: readonly AuditEntry[]; now: number },
): Promise<string> {
  const { info, log } = run;
  const head = {
    format: RUN_RECORD_FORMAT,
    exportedAt: now,
    run: {
      runId: info.id,
      kind: info.kind,
      ...(info.workflow === undefined ? {} : { workflow: info.workflow }),
      ...(info.caseId === undefined ? {} : { caseId: info.caseId }),
      ...(info.conversationId === undefined ? {} : { conversationId: info.conversationId }),
      ...(info.owner === undefined ? {} : { owner: info.owner }),
      status: run.status,
      createdAt: info.createdAt,
      lastSeq: log.lastSeq,
    },
    digest: digestOf(log.panels),
  };
  // The events go in as their logged JSON, byte for byte what every viewer received.
  const headJson = JSON.stringify(head).slice(0, -1);
  return await sealRecord(
    `${headJson},"events":${log.eventsJson()},"audit":${JSON.stringify(audit)}}`,
  );
}
