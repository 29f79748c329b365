/**
 * Plays a replay: while playing, moves the playhead once per animation frame by the time since
 * the last frame at the chosen speed (see `play`), and stops at the end. A `ReactiveController`:
 * it stops when its host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { play, type PlayStep, type Timeline } from "./replay-timeline.ts";

/** What the player reads and moves. */
export interface PlayerTarget {
  timeline(): Timeline | undefined;
  time(): number;
  factor(): number;
  /** The playhead moved; `skippedMs` when it passed over a long silence. */
  moved(step: PlayStep): void;
}

/** The play loop of `<run-replay>`. */
export class ReplayPlayer implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #target: PlayerTarget;
  #frame?: number;
  #last = 0;

  constructor(host: ReactiveControllerHost, target: PlayerTarget) {
    this.#host = host;
    this.#target = target;
    host.addController(this);
  }

  /** Whether it is playing. */
  get playing(): boolean {
    return this.#frame !== undefined;
  }

  /** Plays from the playhead; from the start when it stands at the end. */
  start(): void {
    const timeline = this.#target.timeline();
    if (this.playing || !timeline) return;
    if (this.#target.time() >= timeline.end) this.#target.moved({ time: timeline.start });
    this.#last = performance.now();
    this.#frame = requestAnimationFrame((now) => this.#tick(now));
    this.#host.requestUpdate();
  }

  /** Pauses at the playhead. */
  stop(): void {
    if (this.#frame === undefined) return;
    cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }

  #tick(now: number): void {
    const timeline = this.#target.timeline();
    if (!timeline) return this.stop();
    const step = play(timeline, this.#target.time(), now - this.#last, this.#target.factor());
    this.#last = now;
    this.#target.moved(step);
    if (step.time >= timeline.end) {
      this.#frame = undefined;
      this.#host.requestUpdate();
      return;
    }
    this.#frame = requestAnimationFrame((next) => this.#tick(next));
  }
}
