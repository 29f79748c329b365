/** The clock and timers runs use, injected so tests control time. */

/** A pending timer. */
export type TimerHandle = ReturnType<typeof setTimeout>;

/** Time source and one-shot timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/** A timer that fires once its owner has been quiet for `ms`. */
export interface IdleTimer {
  /** Marks activity now, and resumes counting after a pause. */
  touch(): void;
  /** Stops counting until the next touch (the owner is busy elsewhere, not silent). */
  pause(): void;
  stop(): void;
}

/**
 * Starts an idle timer. A touch only records the time: the timer, when it fires early, sleeps
 * again for the remainder, so a stream of deltas costs no timer work per delta.
 */
export function idleTimer(clock: Clock, ms: number, onIdle: () => void): IdleTimer {
  let last = clock.now();
  let paused = false;
  let handle: TimerHandle | undefined;
  const check = () => {
    const quiet = paused ? 0 : clock.now() - last;
    if (quiet >= ms) {
      handle = undefined;
      onIdle();
    } else handle = clock.setTimeout(check, ms - quiet);
  };
  handle = clock.setTimeout(check, ms);
  return {
    touch: () => {
      last = clock.now();
      paused = false;
    },
    pause: () => {
      paused = true;
    },
    stop: () => {
      clock.clearTimeout(handle);
      handle = undefined;
    },
  };
}
