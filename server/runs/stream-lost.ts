/** The in-band answer for a run that cannot be followed (DESIGN.md §3). */
import type { Panel, SequencedEvent } from "../../protocol/events.ts";
import { digestOf } from "./digest.ts";
import { errorMessage } from "./error-messages.ts";

/** Where the lost run stood: what its viewers already have, for the digest and the stage. */
export interface LostAt {
  ts: number;
  panel?: Panel;
  stage?: string;
  panels?: Readonly<Record<Panel, string>>;
  chunkCount?: number;
}

/**
 * `error{stream_lost}` then `stream_done{error}`, both seq 0 so that no cursor moves; the digest
 * covers the text the viewers already have (none for a run that was never found).
 */
export function streamLostEvents(
  runId: string,
  { ts, panel = "chat", stage = "", panels = { reasoning: "", chat: "" }, chunkCount = 0 }: LostAt,
): SequencedEvent[] {
  const common = { runId, seq: 0, ts, panel, stage } as const;
  return [
    {
      ...common,
      type: "error",
      content: errorMessage("stream_lost"),
      metadata: { error_code: "stream_lost", retry_available: true },
    },
    {
      ...common,
      type: "stream_done",
      content: "",
      metadata: { finish_reason: "error", chunk_count: chunkCount, digest: digestOf(panels) },
    },
  ];
}
