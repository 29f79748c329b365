/**
 * Long chats that remember: when a conversation's earlier messages pass HISTORY_MAX_CHARS, the
 * oldest are recapped by the model, once, and the recap goes upstream in their place, followed by
 * the newest turns; all of it within the limit. The recap is never streamed to the user; it is
 * cached with the conversation and refreshed as the conversation grows. A refresh folds in more
 * than it must (the newest turns keep half their room), so the next messages reuse it.
 */
import type { Logger } from "../log.ts";
import { type ChatTurn, ProviderError } from "../providers/provider.ts";
import type { StoredMessage } from "../storage/store.ts";
import type { HistorySummary, Summaries } from "../storage/summaries.ts";
import { pump, type Upstream } from "./drive.ts";
import type { LiveRun } from "./live-run.ts";

/** The share of the limit the recap may take; the newest turns get the rest. */
const RECAP_SHARE = 0.25;
/** How the recap is introduced to the model. */
export const RECAP_HEADING = "Summary of the earlier conversation (for reference):\n\n";

/** What to send for the earlier messages: all of them, a cached recap, or a new recap first. */
export type HistoryPlan =
  | { kind: "whole" }
  | { kind: "cached"; summary: HistorySummary }
  | { kind: "refresh"; covers: number; previous?: HistorySummary };

/** Characters the recap's text may have under a limit of `maxChars`. */
export function recapChars(maxChars: number): number {
  return Math.floor(maxChars * RECAP_SHARE) - RECAP_HEADING.length;
}

/** Decides how the `earlier` messages go upstream, given the cached recap. Pure. */
export function planHistory(
  earlier: readonly StoredMessage[],
  cached: HistorySummary | undefined,
  { maxChars }: { maxChars: number },
): HistoryPlan {
  const total = earlier.reduce((sum, message) => sum + message.content.length, 0);
  // A limit too small to hold a recap keeps the newest turns only.
  if (total <= maxChars || recapChars(maxChars) <= 0) return { kind: "whole" };
  const room = maxChars - Math.floor(maxChars * RECAP_SHARE);
  // The recap must cover every message before the newest that fit beside it.
  const needed = fitFrom(earlier, room);
  if (cached && cached.covers >= needed && cached.covers <= earlier.length) {
    return { kind: "cached", summary: cached };
  }
  const covers = Math.max(needed, fitFrom(earlier, Math.floor(room / 2)));
  const previous = cached && cached.covers <= covers ? cached : undefined;
  return previous ? { kind: "refresh", covers, previous } : { kind: "refresh", covers };
}

/** The turns for the model: the recap, the messages after it, then `message`. */
export function turnsAfterRecap(
  earlier: readonly StoredMessage[],
  summary: HistorySummary,
  message: string,
): ChatTurn[] {
  const kept = earlier.slice(summary.covers).filter((m) => m.content !== "")
    .map(({ role, content }) => ({ role, content }));
  return [
    { role: "user", content: RECAP_HEADING + summary.text },
    ...kept,
    { role: "user", content: message },
  ];
}

/** What remembering needs besides the run. */
export interface RecallOptions {
  conversationId: string;
  earlier: readonly StoredMessage[];
  message: string;
  /** The newest turns that fit, sent when no recap is needed or none could be made. */
  fallback: ChatTurn[];
  maxChars: number;
  summaries: Summaries;
  upstream: Upstream;
  log: Logger;
}

/** The turns a chat run sends, making or refreshing the recap first when the plan says so. */
export async function recalledTurns(run: LiveRun, options: RecallOptions): Promise<ChatTurn[]> {
  const { earlier, message, maxChars } = options;
  const plan = planHistory(earlier, await options.summaries.get(options.conversationId), {
    maxChars,
  });
  switch (plan.kind) {
    case "whole":
      return options.fallback;
    case "cached":
      return turnsAfterRecap(earlier, plan.summary, message);
    case "refresh": {
      const summary = await recap(run, plan, options);
      return summary ? turnsAfterRecap(earlier, summary, message) : options.fallback;
    }
  }
}

/** Asks the model for the recap and caches it; undefined when the run ended or the model failed. */
async function recap(
  run: LiveRun,
  { covers, previous }: { covers: number; previous?: HistorySummary },
  options: RecallOptions,
): Promise<HistorySummary | undefined> {
  const chars = recapChars(options.maxChars);
  const turns = options.earlier.slice(previous?.covers ?? 0, covers)
    .filter((m) => m.content !== "").map(({ role, content }) => ({ role, content }));
  const transcript = turns.map((turn) =>
    `${turn.role === "user" ? "Clinician" : "Assistant"}: ${turn.content}`
  ).join("\n\n");
  try {
    // No route: nothing of the recap reaches the run's panels.
    const done = await pump(run, {
      purpose: "recap",
      stage: "reply",
      history: turns,
      ...(previous ? { recap: previous.text } : {}),
      maxTokens: Math.ceil(chars / 4),
      messages: [
        {
          role: "system",
          content: `Summarise the earlier part of a clinical conversation for the assistant that ` +
            `continues it. Keep every fact, number, decision and open question. No preamble. ` +
            `At most ${chars} characters.`,
        },
        {
          role: "user",
          content: (previous ? `Summary so far:\n\n${previous.text}\n\n` : "") +
            `Conversation to fold in:\n\n${transcript}`,
        },
      ],
    }, { upstream: options.upstream, routes: {} });
    if (!done) return undefined;
    const summary = { covers, text: done.answer.slice(0, chars) };
    await options.summaries.set(options.conversationId, summary);
    options.log("history_recapped", { runId: run.info.id, covers, chars: summary.text.length });
    return summary;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    options.log("history_recap_failed", { runId: run.info.id, code: error.code });
    return undefined;
  }
}

/** The first index from which the newest messages' text fits in `room` characters. */
function fitFrom(messages: readonly StoredMessage[], room: number): number {
  let chars = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    chars += messages[index].content.length;
    if (chars > room) return index + 1;
  }
  return 0;
}
