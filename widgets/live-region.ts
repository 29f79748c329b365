/** The visually hidden live regions of the elements, which re-announce a message that repeats. */
import { html, type TemplateResult } from "lit";
import { keyed } from "lit/directives/keyed.js";

/** One message for a live region; `count` tells a repeat of the same text from the text kept. */
export interface Announcement {
  text: string;
  count: number;
}

/** A live region that has said nothing yet. */
export const SILENT: Announcement = { text: "", count: 0 };

/** The announcement of `text` after `previous`: a new one even when the text is the same. */
export function announce(previous: Announcement, text: string): Announcement {
  return { text, count: previous.count + 1 };
}

/**
 * A visually hidden live region saying `announcement`. Each announcement is a new text node, which
 * screen readers announce even when its text equals the one it replaces.
 */
export function renderLiveRegion(
  announcement: Announcement,
  role: "status" | "alert" = "status",
): TemplateResult {
  return html`<div class="visually-hidden" role=${role}>${
    keyed(announcement.count, announcement.text)
  }</div>`;
}
