/**
 * What a rejected `fetch` or body read means. Browsers word a network failure each their own way —
 * Chrome `TypeError: Failed to fetch`, Safari `TypeError: Load failed`, Firefox `TypeError:
 * NetworkError when attempting to fetch resource.`, and `network error` for a body cut mid-read —
 * and a phone that suspends a background tab, or a browser that drops a request on its own, rejects
 * with an `AbortError` nobody here asked for. None of that is a Stop: only the caller's own signal
 * stops a request. So the rule reads the signal, never the message.
 */

/** How a request that rejected ended: stopped by its caller, or failed on the way (retry it). */
export type RequestFailure = "aborted" | "network";

/** How a request made with `signal` ended when it rejected, whatever the error says. */
export function failureOf(signal: AbortSignal): RequestFailure {
  return signal.aborted ? "aborted" : "network";
}
