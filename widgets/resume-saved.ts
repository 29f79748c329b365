/**
 * Picking a saved place up again after a reload. A saved view shows at once, network or not, and
 * its run goes on from the view's cursor. Without one, the workflow run the page showed comes back
 * first, replayed from the server's log (never run again), then the conversation that follows up
 * on it, then the run that was in flight.
 */
import { formatCursor } from "../protocol/events.ts";
import { conversationOf, type SavedConversation } from "./connection/api-bodies.ts";
import type { ConnectionController } from "./connection/connection-controller.ts";
import type { RunPosition } from "./connection/run-position.ts";
import { conversationUrl } from "./connection/urls.ts";
import { statusChanged } from "./state/actions.ts";
import type { ResumeEntry } from "./state/resume-store.ts";
import type { StreamState } from "./state/stream-state.ts";
import type { ViewError } from "./state/view-state.ts";

/** What resuming needs of its provider. */
export interface ResumeSteps {
  connection: ConnectionController;
  apiBase: string;
  /** The provider, whose `stream-done` ends a replay. */
  host: EventTarget;
  /** Shows the saved conversation after what the view shows. */
  show(conversation: SavedConversation): void;
  /** Shows a saved view as it was. */
  restore(view: StreamState): void;
  attach(runId: string, cursor?: string): void;
}

/** Whether a saved place has anything to show again. */
export function hasSavedWork(saved: ResumeEntry | undefined): saved is ResumeEntry {
  return Boolean(saved?.runId || saved?.conversationId || saved?.workflowRunId);
}

/** Shows the saved place again, stopping as soon as newer work begins. */
export async function resumeSaved(
  saved: ResumeEntry & { view?: StreamState },
  steps: ResumeSteps,
): Promise<void> {
  if (saved.view) return restoreView(saved.view, steps);
  const { connection } = steps;
  const { workflowRunId, runId } = saved;
  if (workflowRunId !== undefined && workflowRunId !== runId) {
    const ended = new Promise((resolve) =>
      steps.host.addEventListener("stream-done", resolve, { once: true })
    );
    steps.attach(workflowRunId);
    const generation = connection.generation;
    await ended;
    if (generation !== connection.generation) return;
  }
  const generation = connection.generation;
  const conversation = saved.conversationId === undefined ? undefined : conversationOf(
    await connection.request(conversationUrl(steps.apiBase, saved.conversationId)),
  );
  // Work begun while the history loaded (a message sent, a reset) is newer than this place.
  if (generation !== connection.generation) return;
  if (conversation) {
    connection.continueFrom({ conversationId: conversation.conversationId });
    steps.show(conversation);
    // A reply saved in the history has ended: nothing left to attach to.
    const ended = conversation.messages.some((message) =>
      message.role === "assistant" && message.runId === runId
    );
    if (ended) return;
  }
  if (runId) steps.attach(runId);
}

/**
 * Shows a saved view at once, as reconnecting while its run had not ended (offline, the notice
 * says so), then reads that run from the view's cursor: no gap, no duplicate, no new run. A run
 * that had ended is read from just before its end, so its `stream_done` comes again and the text
 * shown is verified against the server's digest.
 */
function restoreView(view: StreamState, steps: ResumeSteps): void {
  const { runId, lastSeq, conversationId, finishReason } = view;
  const ended = finishReason !== undefined;
  const seq = ended ? lastSeq - 1 : lastSeq;
  steps.connection.continueFrom({ runId, seq, ...(conversationId ? { conversationId } : {}) });
  steps.restore(ended ? view : statusChanged(view, "reconnecting"));
  if (runId !== undefined) steps.attach(runId, formatCursor(runId, seq));
}

/**
 * Whether a message failed because its conversation is gone (a server with an in-memory store
 * restarted): asked again without it, it starts a new conversation instead of failing forever.
 */
export function lostConversation(error: ViewError, position: RunPosition): boolean {
  return error.code === "not_found" && position.conversationId !== undefined;
}
