/**
 * The timeline of a recorded run, pure: what the panels showed at any moment (every event with
 * `ts` at or before it applied in order, through the same reducer as a live view) and how a
 * playhead moves at a speed, silences over the cap shortened as the server's paced replay does.
 */
import type { SequencedEvent } from "../../protocol/events.ts";
import { SILENCE_CAP_MS } from "../../protocol/replay.ts";
import { reduce } from "../state/reducer.ts";
import { initialStreamState, type StreamState } from "../state/stream-state.ts";

/** The events of one run in log order, and the first and last of their times. */
export interface Timeline {
  events: readonly SequencedEvent[];
  start: number;
  end: number;
}

/** The timeline of `events` (one run's, in log order). */
export function timelineOf(events: readonly SequencedEvent[]): Timeline {
  const times = events.map((event) => event.ts);
  return {
    events,
    start: times.length === 0 ? 0 : Math.min(...times),
    end: times.length === 0 ? 0 : Math.max(...times),
  };
}

/** How many events had been produced at `time`: the log's prefix whose `ts` are all ≤ `time`. */
export function eventsAt(timeline: Timeline, time: number): number {
  // Log order is production order: the first event after `time` ends what was shown then.
  const index = timeline.events.findIndex((event) => event.ts > time);
  return index === -1 ? timeline.events.length : index;
}

/**
 * The state of the run's view with its first `count` events applied, continuing from `from`
 * (the state after `from.count` events) when that lies on the way.
 */
export function stateAfter(
  timeline: Timeline,
  count: number,
  from?: { count: number; state: StreamState },
): StreamState {
  const resume = from && from.count <= count ? from : { count: 0, state: initialStreamState() };
  let state = resume.state;
  for (let index = resume.count; index < count; index++) {
    state = reduce(state, timeline.events[index]);
  }
  return state;
}

/** Where a playhead stands after playing `elapsedMs` at `factor`, and the silence it skipped. */
export interface PlayStep {
  time: number;
  /** The length of a silence passed over, when one was. */
  skippedMs?: number;
}

/**
 * Moves the playhead from `time` by `elapsedMs` of wall time at speed `factor`. Within a silence
 * longer than the cap, after the cap's worth of it the playhead jumps to the next event.
 */
export function play(
  timeline: Timeline,
  time: number,
  elapsedMs: number,
  factor: number,
): PlayStep {
  let now = Math.max(time, timeline.start);
  let runMs = elapsedMs * factor;
  let skippedMs: number | undefined;
  while (runMs > 0 && now < timeline.end) {
    const next = eventsAt(timeline, now);
    const nextTs = timeline.events[next].ts;
    const previousTs = next === 0 ? now : timeline.events[next - 1].ts;
    const silenceEnd = nextTs - previousTs > SILENCE_CAP_MS ? previousTs + SILENCE_CAP_MS : nextTs;
    if (now < silenceEnd) {
      const step = Math.min(runMs, silenceEnd - now);
      now += step;
      runMs -= step;
      if (now < silenceEnd) break;
    }
    if (silenceEnd < nextTs) {
      skippedMs = nextTs - previousTs;
      now = nextTs;
    }
  }
  return { time: Math.min(now, timeline.end), ...(skippedMs === undefined ? {} : { skippedMs }) };
}
