/** Checks that the rendered text is the text the server produced: SHA-256 per panel (WebCrypto). */
import type { Panel } from "../protocol/events.ts";
import { sha256Hex } from "../protocol/sha256.ts";
import { panelText } from "./state/view-queries.ts";
import type { ViewState } from "./state/view-state.ts";

/** A digest per panel: lowercase hex SHA-256, as `stream_done` carries it. */
export type PanelDigest = Record<Panel, string>;

/** What stands for a digest that could not be computed: it matches no text. */
const UNKNOWN = "0".repeat(64);

/** What stands for the digest of an answer that carried none: nothing verifies against it. */
export const NO_DIGEST: PanelDigest = { reasoning: UNKNOWN, chat: UNKNOWN };

/**
 * The digest of each panel's text. Where WebCrypto is missing (a page served over plain HTTP is
 * not a secure context) every digest is all zeros, so nothing verifies, and nothing rejects.
 */
export async function panelDigest(texts: Record<Panel, string>): Promise<PanelDigest> {
  try {
    const [reasoning, chat] = await Promise.all([
      sha256Hex(texts.reasoning),
      sha256Hex(texts.chat),
    ]);
    return { reasoning, chat };
  } catch {
    return { reasoning: UNKNOWN, chat: UNKNOWN };
  }
}

/** Whether both panels' text in `view` (sections in plan order) hashes to the server's digest. */
export async function verifyDigest(
  view: Pick<ViewState, "sections">,
  digest: PanelDigest,
): Promise<boolean> {
  const own = await panelDigest({
    reasoning: panelText(view, "reasoning"),
    chat: panelText(view, "chat"),
  });
  return own.reasoning !== UNKNOWN && own.reasoning === digest.reasoning &&
    own.chat === digest.chat;
}
