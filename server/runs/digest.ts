/** The `stream_done` digest: hex SHA-256 of a panel's full text, as UTF-8. */
import { createHash } from "node:crypto";

/** Hex SHA-256 of `text` (synchronous, so a run can end in one step). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
