// @ts-check
/**
 * The reasoning pane scrolls with the text as it streams, as `<chat-stream>` does, unless the reader
 * has scrolled up to read something earlier. On a phone it is no scroller, so no tab stop either.
 */
import { provider } from "./provider.js";

/**
 * Within this many pixels of the bottom the reader counts as being there: `NEAR_BOTTOM_PX` of
 * widgets/scroll/stick-to-bottom.ts, which the elements use, so both panes follow alike.
 */
const NEAR_BOTTOM_PX = 32;

/** Below this width the panes flow in the page (styles/narrow.css says the same). */
export const PHONE = matchMedia("(max-width: 760px)");

/** Keeps the pane at its bottom while the reader is there, and a tab stop only where it scrolls. */
export function followReasoning() {
  const pane = /** @type {HTMLElement} */ (document.querySelector(".pane-reasoning .pane-scroll"));
  const panel = /** @type {HTMLElement} */ (pane.querySelector("reasoning-panel"));
  const syncTabStop = () => {
    if (PHONE.matches) pane.removeAttribute("tabindex");
    else pane.setAttribute("tabindex", "0");
  };
  syncTabStop();
  PHONE.addEventListener("change", syncTabStop);

  // The elements' rule: only the reader scrolling up leaves the bottom, never a reflow.
  let stuck = true;
  let lastScrollTop = 0;
  const reconcile = () => {
    const movedUp = pane.scrollTop < lastScrollTop;
    const nearBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight <= NEAR_BOTTOM_PX;
    stuck = nearBottom || (stuck && !movedUp);
    if (stuck) pane.scrollTop = pane.scrollHeight;
    lastScrollTop = pane.scrollTop;
  };
  pane.addEventListener("scroll", reconcile, { passive: true });
  const resizes = new ResizeObserver(reconcile);
  resizes.observe(pane);
  resizes.observe(panel);
  provider.addEventListener("stream-status", ({ detail: { status } }) => {
    if (status === "connecting") stuck = true;
  });
}
