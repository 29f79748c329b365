/**
 * Stands in for the page's `fetch` while a test runs: `answer` may answer a request itself (or
 * change what the server answered); anything it leaves goes to the real network. A provider takes
 * `fetch` when it is created, so stub before mounting and restore after unmounting.
 */

/** Answers a request, or `undefined` to let it through untouched. */
export type FetchAnswer = (
  url: string,
  init: RequestInit | undefined,
  network: typeof fetch,
) => Promise<Response> | undefined;

/** Installs `answer` in front of `fetch`; returns the function that removes it. */
export function stubFetch(answer: FetchAnswer): () => void {
  const network = globalThis.fetch;
  globalThis.fetch = (input, init) =>
    answer(String(input instanceof Request ? input.url : input), init, network) ??
      network(input, init);
  return () => {
    globalThis.fetch = network;
  };
}
