/**
 * A pause that ends early, without throwing, when the signal aborts; callers check the signal.
 * Without a signal it runs its full length.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real-time Sleep. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
