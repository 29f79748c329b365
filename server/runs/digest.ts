/** The `stream_done` digest: hex SHA-256 of each panel's full text, as UTF-8. */
import { createHash } from "node:crypto";
import type { Panel } from "../../protocol/events.ts";

/** Hex SHA-256 of `text` (synchronous, so a run can end in one step). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The `stream_done.metadata.digest` of a run's panel texts. */
export function digestOf(panels: Readonly<Record<Panel, string>>): Record<Panel, string> {
  return { reasoning: sha256Hex(panels.reasoning), chat: sha256Hex(panels.chat) };
}
