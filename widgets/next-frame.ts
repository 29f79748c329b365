/** The render cadence: element updates wait for the next animation frame, so chunks coalesce. */

/** Past this many milliseconds a hidden page, which gets no animation frames, renders anyway. */
const HIDDEN_PAGE_FALLBACK_MS = 250;

/** Resolves at the next animation frame, or after a short timeout when the page gets none. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      resolve();
    };
    const frame = requestAnimationFrame(done);
    const timer = setTimeout(done, HIDDEN_PAGE_FALLBACK_MS);
  });
}
