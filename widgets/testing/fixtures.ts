/**
 * Realistic runs recorded from the server's scripted model (scripts/record-fixtures.mjs writes
 * them): the same text, chunks, stages and digests a real server streams, with the real pace in
 * their `ts`.
 */
import chatJson from "./fixtures/chat-run.json" with { type: "json" };
import failedJson from "./fixtures/failed-run.json" with { type: "json" };
import workflowJson from "./fixtures/workflow-run.json" with { type: "json" };
import type { RunLog } from "./run-log.ts";

/** The four-stage clinical workflow over the case `aki-nsaids`, 34 s at its recorded pace. */
export const workflowRun = workflowJson as RunLog;

/** A chat reply about the same case: reasoning, then the answer. */
export const chatRun = chatJson as RunLog;

/** A workflow over the case `dka-new-onset` whose model failed part-way (`upstream_error`). */
export const failedRun = failedJson as RunLog;
