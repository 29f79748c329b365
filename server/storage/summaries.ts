/**
 * Where a conversation's history summary is cached: how many of its first messages the summary
 * covers, and its text. The embedded store keeps it in SQLite beside the conversation; without
 * one (Redis), each instance keeps its own in memory and makes it again after a restart.
 */

/** A summary of a conversation's first `covers` messages. */
export interface HistorySummary {
  covers: number;
  text: string;
}

/** The cache of history summaries, by conversation id. */
export interface Summaries {
  get(conversationId: string): Promise<HistorySummary | undefined>;
  set(conversationId: string, summary: HistorySummary): Promise<void>;
}

/** Summaries held by this process. */
export function memorySummaries(): Summaries {
  const held = new Map<string, HistorySummary>();
  return {
    get: (id) => Promise.resolve(held.get(id)),
    set: (id, summary) => Promise.resolve(void held.set(id, summary)),
  };
}
