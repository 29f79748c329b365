import { type Clock, systemClock } from "../runs/timers.ts";

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

/**
 * A Sleep whose wake-ups share timers: a wait ends at the first multiple of `tickMs` at or after
 * its due time, and every wait ending then shares one timer. Many paced streams (the scripted
 * model under load) then cost a timer per tick instead of one per token.
 */
export function coalescedSleep(tickMs: number, clock: Clock = systemClock): Sleep {
  const wakeups = new Map<number, (() => void)[]>();
  return (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const now = clock.now();
      const at = Math.ceil((now + ms) / tickMs) * tickMs;
      let due = wakeups.get(at);
      if (due === undefined) {
        const waiting: (() => void)[] = [];
        wakeups.set(at, waiting);
        clock.setTimeout(() => {
          wakeups.delete(at);
          for (const wake of waiting) wake();
        }, at - now);
        due = waiting;
      }
      if (signal === undefined) return void due.push(resolve);
      // An abort ends the wait early; the tick's later call of `done` then changes nothing.
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      due.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
}
