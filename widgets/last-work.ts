/** What Retry repeats, and what a chat message says it is about. */
import type { OutgoingMessage } from "./connection/connection-types.ts";
import { caseIdOf } from "./connection/urls.ts";

/** The work Retry repeats: a `src` (as a new run), a chat message, or an attachment to a run. */
export type LastWork =
  | { kind: "start"; src: string }
  | { kind: "send"; message: string }
  | { kind: "attach"; runId: string };

/** What a provider remembers of its work: what Retry repeats, and what follow-ups are about. */
export class WorkMemory {
  last?: LastWork;
  /** The workflow run shown last: follow-up questions are about it. */
  aboutRunId?: string;

  forget(): void {
    this.last = undefined;
    this.aboutRunId = undefined;
  }
}

/** What repeating work takes from the provider. */
export interface WorkActions {
  src: string;
  start(src?: string): void;
  resend(message: string): void;
  attach(runId: string): void;
}

/**
 * Starts failed or cancelled work again: the last chat message is re-sent (its bubble is already
 * shown); otherwise `src` starts a new run (an attached run that failed cannot be resumed), or,
 * without `src`, the run is attached again.
 */
export function repeatWork(work: LastWork | undefined, actions: WorkActions): void {
  switch (work?.kind) {
    case undefined:
      return;
    case "start":
      return actions.start(work.src);
    case "send":
      return actions.resend(work.message);
    case "attach":
      return actions.src ? actions.start() : actions.attach(work.runId);
  }
}

/**
 * A chat message's body: the catalog case of `src`, and the workflow run the page shows, so that
 * a follow-up question is answered from that run's input and results.
 */
export function chatBody(message: string, src: string, aboutRunId?: string): OutgoingMessage {
  const caseId = caseIdOf(src);
  return {
    message,
    ...(caseId === undefined ? {} : { caseId }),
    ...(aboutRunId === undefined ? {} : { runId: aboutRunId }),
  };
}
