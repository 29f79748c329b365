/** The side effects of a connection — network, clock, randomness, page events — behind one seam. */

/** Everything with a side effect the controller touches, injectable so tests never sleep. */
export interface ConnectionEnvironment {
  fetch: typeof fetch;
  EventSource: typeof EventSource;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  random(): number;
  /** Epoch ms. */
  now(): number;
  /** Where `visibilitychange` and `online` are heard. */
  document: Document;
  window: Window;
}

/** The browser's own. */
export function defaultEnvironment(): ConnectionEnvironment {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    EventSource: globalThis.EventSource,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (id) => globalThis.clearTimeout(id as number),
    random: Math.random,
    now: Date.now,
    document: globalThis.document,
    window: globalThis.window,
  };
}
