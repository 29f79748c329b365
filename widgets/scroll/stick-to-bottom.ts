/** Stick-to-bottom scrolling: follow new content while the reader is at the bottom, not after they scroll up. */
import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Within this many pixels of the bottom the reader counts as being there. */
const NEAR_BOTTOM_PX = 32;

/** Whether a scroller shows its end (within the tolerance). */
function isNearBottom(
  metrics: Pick<HTMLElement, "scrollTop" | "scrollHeight" | "clientHeight">,
): boolean {
  return metrics.scrollHeight - metrics.scrollTop - metrics.clientHeight <= NEAR_BOTTOM_PX;
}

/**
 * Keeps the host's scroller at its bottom while the reader is there: whenever the scroller or its content element (the
 * one child holding everything it scrolls) changes size, by new content, a resize or a reflow. Only scrolling up leaves
 * the bottom. Sizes are read from the ResizeObserver's callback, after layout, never inside an update: reading them
 * there would force a layout of the whole log on every streamed chunk.
 */
export class StickToBottomController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #scroller: () => HTMLElement | null | undefined;
  readonly #content: () => HTMLElement | null | undefined;
  #bound?: HTMLElement;
  #stuck = true;
  #lastScrollTop = 0;
  readonly #resizes = new ResizeObserver(() => this.#reconcile());

  constructor(
    host: ReactiveControllerHost,
    elements: {
      scroller: () => HTMLElement | null | undefined;
      content: () => HTMLElement | null | undefined;
    },
  ) {
    this.#host = host;
    this.#scroller = elements.scroller;
    this.#content = elements.content;
    host.addController(this);
  }

  /** The reader has scrolled away from the latest content. */
  get scrolledAway(): boolean {
    return !this.#stuck;
  }

  hostConnected(): void {
    // Re-binds the scroll listener when the element is moved in the page.
    if (this.#bound === undefined) this.#host.requestUpdate();
  }

  /** Binds to the scroller once rendered: its observer reports the first sizes, and every change. */
  hostUpdated(): void {
    const scroller = this.#scroller() ?? undefined;
    if (scroller !== this.#bound) {
      this.#unbind();
      const content = this.#content();
      scroller?.addEventListener("scroll", this.#onScroll, { passive: true });
      if (scroller) this.#resizes.observe(scroller);
      if (content) this.#resizes.observe(content);
      this.#bound = scroller;
    }
  }

  hostDisconnected(): void {
    this.#unbind();
  }

  #unbind(): void {
    this.#bound?.removeEventListener("scroll", this.#onScroll);
    this.#resizes.disconnect();
    this.#bound = undefined;
  }

  /**
   * Follows the content while stuck. Reads the live position on every trigger (scroll, resize, update), so a reader's
   * scroll up counts even when its scroll event has not been delivered yet; only that un-sticks, never a reflow.
   */
  #reconcile(): void {
    const scroller = this.#bound;
    if (!scroller) return;
    const movedUp = scroller.scrollTop < this.#lastScrollTop;
    const stuck = isNearBottom(scroller) || (this.#stuck && !movedUp);
    if (stuck) scroller.scrollTop = scroller.scrollHeight;
    this.#lastScrollTop = scroller.scrollTop;
    if (stuck === this.#stuck) return;
    this.#stuck = stuck;
    this.#host.requestUpdate();
  }

  /** Scrolls to the latest content and follows it again. */
  jumpToLatest(): void {
    this.#stuck = true;
    this.#reconcile();
    this.#host.requestUpdate();
  }

  #onScroll = (): void => this.#reconcile();
}
