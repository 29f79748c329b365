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

/** Keeps the host's scroller at its bottom after each update while the reader is there. */
export class StickToBottomController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #scroller: () => HTMLElement | null | undefined;
  #bound?: HTMLElement;
  #stuck = true;

  constructor(host: ReactiveControllerHost, scroller: () => HTMLElement | null | undefined) {
    this.#host = host;
    this.#scroller = scroller;
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

  hostUpdated(): void {
    const scroller = this.#scroller() ?? undefined;
    if (scroller !== this.#bound) {
      this.#bound?.removeEventListener("scroll", this.#onScroll);
      scroller?.addEventListener("scroll", this.#onScroll, { passive: true });
      this.#bound = scroller;
    }
    if (this.#stuck && scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  hostDisconnected(): void {
    this.#bound?.removeEventListener("scroll", this.#onScroll);
    this.#bound = undefined;
  }

  /** Scrolls to the latest content and follows it again. */
  jumpToLatest(): void {
    this.#stuck = true;
    this.#host.requestUpdate();
  }

  #onScroll = (): void => {
    const stuck = isNearBottom(this.#bound!);
    if (stuck === this.#stuck) return;
    this.#stuck = stuck;
    this.#host.requestUpdate();
  };
}
