/**
 * One viewer of a run as an SSE body at the pace its connection pulls: the log first, then live
 * events as they are appended, with no gap or duplicate at the seam because both are the same log
 * read by index. The run only wakes viewers; it never waits for one.
 */
import type { Run } from "../runs/run.ts";
import { type RunStreamOptions, viewerBody } from "./viewer-body.ts";

export { abruptEnd, type RunStreamOptions } from "./viewer-body.ts";

// Frames handed to the connection per pull: large enough for a fast replay, small enough that
// a slow connection holds little beyond the bound.
const BATCH_BYTES = 64 * 1024;

/** An SSE body streaming `run` from the event after `afterSeq`. */
export function runStream(
  run: Run,
  afterSeq: number,
  options: RunStreamOptions,
): ReadableStream<Uint8Array> {
  return viewerBody(run, afterSeq, options, (from, controller) => {
    const end = run.log.batchEnd(from, BATCH_BYTES);
    for (const bytes of run.log.frameBytes(from, end)) controller.enqueue(bytes);
    return Promise.resolve(end);
  });
}
