/**
 * One viewer of a run as an SSE body, whatever its pace: the `retry:` line, the viewer's place in
 * the run's viewer set (for orphan tracking and the backlog bound), heartbeats, and the reading of
 * the shared log by index until `stream_done` or the log's end. How the available events go out —
 * as fast as the connection takes them, or each at its time — is the `send` given.
 */
import { encodeEvent, encodeRetry } from "../../protocol/sse-encode.ts";
import type { Logger } from "../log.ts";
import type { Run, ViewerHandle } from "../runs/run.ts";
import type { Clock, TimerHandle } from "../runs/timers.ts";

/** How a viewer's stream behaves. */
export interface RunStreamOptions {
  retryMs: number;
  heartbeatMs: number;
  clock: Clock;
  log: Logger;
}

/** What `send` sees of its body. */
export interface ViewerSession {
  /** Whether the body has ended (the client left, or the viewer was dropped). */
  readonly ended: boolean;
  /** Called once when the body ends, to release what `send` holds (a timer). */
  onEnd?: () => void;
}

/**
 * Sends events of the log from index `from` (at least one is there) and returns the index after
 * the last one sent, or undefined when the body ended meanwhile.
 */
export type SendEvents = (
  from: number,
  controller: ReadableStreamDefaultController<Uint8Array>,
  session: ViewerSession,
) => Promise<number | undefined>;

const encoder = new TextEncoder();

/** An SSE body for a viewer of `run` from the event after `afterSeq`. */
export function viewerBody(
  run: Run,
  afterSeq: number,
  options: RunStreamOptions & { heartbeatAfterEnd?: boolean },
  send: SendEvents,
): ReadableStream<Uint8Array> {
  const { clock, log } = options;
  let position = afterSeq;
  const session: { ended: boolean; onEnd?: () => void } = { ended: false };
  // Pulls come while the connection takes what it was given; between them it is stalled.
  let stalledSince: number | undefined = clock.now();
  let heartbeat: TimerHandle | undefined;
  let stream!: ReadableStreamDefaultController<Uint8Array>;

  const stop = () => {
    if (session.ended) return false;
    session.ended = true;
    clock.clearTimeout(heartbeat);
    session.onEnd?.();
    run.removeViewer(viewer);
    return true;
  };
  const viewer: ViewerHandle = {
    position: () => position,
    liveFrom: run.log.length,
    stalledSince: () => stalledSince,
    drop: (reason) => {
      if (!stop()) return;
      log("viewer_dropped", { runId: run.info.id, position, reason });
      stream.error(abruptEnd(reason === "backlog" ? "viewer backlog exceeded" : "server stopping"));
    },
  };
  const beat = () => {
    heartbeat = clock.setTimeout(() => {
      if (session.ended) return;
      stream.enqueue(
        encoder.encode(encodeEvent({ type: "heartbeat", runId: run.info.id, ts: clock.now() })),
      );
      beat();
    }, options.heartbeatMs);
  };
  const read = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    while (!session.ended) {
      if (position < run.log.length) {
        const end = await send(position, controller, session);
        if (end === undefined || session.ended) return;
        position = end;
        if (run.log.typeAt(end - 1) === "stream_done") {
          stop();
          controller.close();
        }
        return;
      }
      if (run.closed) {
        stop();
        controller.close();
        return;
      }
      await run.changed();
    }
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      controller.enqueue(encoder.encode(encodeRetry(options.retryMs)));
      if (run.running) run.addViewer(viewer);
      if (run.running || options.heartbeatAfterEnd) beat();
    },
    async pull(controller) {
      stalledSince = undefined;
      try {
        await read(controller);
      } finally {
        stalledSince = clock.now();
      }
    },
    cancel() {
      if (stop()) log("viewer_left", { runId: run.info.id, position });
    },
  }, { highWaterMark: 0 });
}

/**
 * The reason an erroring body ends its connection abruptly. Deno prints that reason to stderr as
 * it is; a string of one JSON object keeps stderr one JSON log line per line, with no stack.
 */
export function abruptEnd(why: string): string {
  return JSON.stringify({ ts: new Date().toISOString(), event: "response_aborted", reason: why });
}
