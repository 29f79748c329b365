/**
 * The replay timeline against a real run's log: at any moment the view shows exactly the text of
 * the chunks whose `ts` is at or before it, with the stage statuses of that moment; the playhead
 * keeps the speed and skips silences past the cap.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { SILENCE_CAP_MS } from "../../protocol/replay.ts";
import { makeApp, readEvents } from "../server/harness.ts";
import {
  eventsAt,
  play,
  stateAfter,
  type Timeline,
  timelineOf,
} from "../../widgets/replay/replay-timeline.ts";
import { viewOf } from "../../widgets/state/stream-state.ts";

/** A workflow run of every stage, as the server logged it, its times spread a millisecond apart. */
async function recordedWorkflow(): Promise<SequencedEvent[]> {
  const h = makeApp();
  try {
    const response = await h.app.request("/api/cases/aki-nsaids/workflow/start/stream");
    return await readEvents(response);
  } finally {
    h.close();
  }
}

/** What the log says each (panel, stage) showed at `time`: its chunks up to then, and status. */
function expectedAt(events: readonly SequencedEvent[], time: number) {
  const shown = new Map<string, { text: string; status: string }>();
  for (const event of events.filter((e) => e.ts <= time)) {
    const key = `${event.panel}/${event.stage}`;
    const entry = shown.get(key) ?? { text: "", status: "pending" };
    if (event.type === "stage_start") entry.status = "streaming";
    if (event.type === "content_chunk") entry.text += event.content;
    if (event.type === "stage_complete") entry.status = "complete";
    if (event.type !== "run_start") shown.set(key, entry);
  }
  return shown;
}

Deno.test("replay timeline shows at each moment exactly the text logged by then", async () => {
  const events = await recordedWorkflow();
  const timeline = timelineOf(events);
  const times = [timeline.start - 1, ...events.map((e) => e.ts), timeline.end + 1];
  // Between two logged times too, where the next event must not show yet.
  times.push(...events.slice(1).map((e, i) => (e.ts + events[i].ts) / 2));
  let previous: { count: number; state: ReturnType<typeof stateAfter> } | undefined;
  for (const time of times.sort((a, b) => a - b)) {
    const count = eventsAt(timeline, time);
    const state = stateAfter(timeline, count, previous);
    previous = { count, state };
    const view = viewOf(state);
    const expected = expectedAt(events, time);
    for (const section of [...view.sections.reasoning, ...view.sections.chat]) {
      const logged = expected.get(`${section.panel}/${section.stage}`);
      assert.equal(section.text, logged?.text ?? "", `${section.stage} at ${time}`);
      if (count < events.length) {
        assert.equal(section.status, logged?.status ?? "pending", `${section.stage} at ${time}`);
      }
    }
    assert.equal(view.sections.reasoning.length > 0, time >= timeline.start);
  }
  assert.equal(viewOf(previous!.state).status, "done");
});

Deno.test("replay timeline seeks back to exactly the earlier state", async () => {
  const events = await recordedWorkflow();
  const timeline = timelineOf(events);
  const middle = events[Math.floor(events.length / 2)].ts;
  const late = stateAfter(timeline, events.length);
  const back = stateAfter(timeline, eventsAt(timeline, middle), {
    count: events.length,
    state: late,
  });
  assert.deepEqual(back, stateAfter(timeline, eventsAt(timeline, middle)));
});

/** A timeline of events at the given times (only their times matter to the playhead). */
function timesOnly(times: number[]): Timeline {
  return timelineOf(times.map((ts, seq) => ({ ts, seq }) as SequencedEvent));
}

Deno.test("replay playhead moves by the elapsed time times the speed", () => {
  const timeline = timesOnly([1000, 1500, 2600]);
  assert.deepEqual(play(timeline, 1000, 100, 4), { time: 1400 });
  assert.deepEqual(play(timeline, 1400, 1000, 4), { time: 2600 });
});

Deno.test("replay playhead passes a silence over the cap after the cap, and names it", () => {
  const timeline = timesOnly([0, 100, 100 + 60_000, 100 + 60_500]);
  const into = play(timeline, 100, SILENCE_CAP_MS - 1, 1);
  assert.deepEqual(into, { time: 100 + SILENCE_CAP_MS - 1 });
  assert.deepEqual(play(timeline, into.time, 201, 1), { time: 60_300, skippedMs: 60_000 });
});
