/** Detecting a path that holds streams back (DESIGN.md §10), on a clock the tests move. */
import assert from "node:assert/strict";
import { PathWatch } from "../../widgets/connection/path-watch.ts";
import { failureOf } from "../../widgets/connection/network-error.ts";
import { fakeClock, flush } from "./support/fakes.ts";

const DETECT_MS = 2000;

/** A watch over a run the server has logged up to `serverSeq`, the stream up to `delivered`. */
function setup() {
  const clock = fakeClock();
  const state = { serverSeq: 0 as number | undefined, delivered: 0, verdicts: 0, probes: 0 };
  const watch = new PathWatch(clock, {
    detectMs: () => DETECT_MS,
    delivered: () => state.delivered,
    probe: () => {
      state.probes++;
      return Promise.resolve(state.serverSeq);
    },
    buffering: () => void state.verdicts++,
  });
  return { clock, state, watch };
}

Deno.test("path watch finds a path buffering when no byte arrives within buffer-detect-ms", () => {
  const { clock, state, watch } = setup();
  watch.watch();
  clock.advance(DETECT_MS - 1);
  assert.equal(state.verdicts, 0);
  clock.advance(1);
  assert.deepEqual([state.verdicts, watch.buffered, state.probes], [1, true, 0]);
  assert.equal(clock.pending, 0);
});

Deno.test("path watch leaves alone a stream whose first byte came in time", () => {
  const { clock, state, watch } = setup();
  watch.watch();
  clock.advance(DETECT_MS - 1);
  watch.heard();
  clock.advance(1);
  assert.equal(state.verdicts, 0);
  watch.unwatch();
  assert.equal(clock.pending, 0);
});

Deno.test("path watch finds bursts while the run is ahead: silent, server ahead, still not delivered", async () => {
  const { clock, state, watch } = setup();
  watch.watch();
  watch.heard();
  state.delivered = 3;
  state.serverSeq = 9;
  clock.advance(DETECT_MS);
  await flush();
  assert.deepEqual([state.probes, state.verdicts], [1, 0]);
  clock.advance(DETECT_MS / 4);
  assert.deepEqual([state.verdicts, watch.buffered], [1, true]);
});

Deno.test("path watch keeps a stream that delivers what the server said it had, in time", async () => {
  const { clock, state, watch } = setup();
  watch.watch();
  watch.heard();
  state.delivered = 3;
  state.serverSeq = 4;
  clock.advance(DETECT_MS);
  await flush();
  // The event was on its way: it arrives within the confirmation window.
  state.delivered = 4;
  watch.heard();
  clock.advance(DETECT_MS / 4);
  assert.deepEqual([state.verdicts, watch.buffered], [0, false]);
});

Deno.test("path watch keeps a stream through a quiet model: the run is not ahead", async () => {
  const { clock, state, watch } = setup();
  watch.watch();
  watch.heard();
  state.delivered = 5;
  state.serverSeq = 5;
  for (let i = 0; i < 5; i++) {
    clock.advance(DETECT_MS);
    await flush();
  }
  assert.deepEqual([state.probes, state.verdicts], [5, 0]);
});

Deno.test("path watch counts silence from the last byte, not from each check", async () => {
  const { clock, state, watch } = setup();
  watch.watch();
  watch.heard();
  clock.advance(DETECT_MS / 2);
  watch.heard();
  clock.advance(DETECT_MS / 2);
  await flush();
  assert.equal(state.probes, 0);
  clock.advance(DETECT_MS / 2);
  await flush();
  assert.equal(state.probes, 1);
});

Deno.test("path watch drops a probe answer that comes after the stream ended", async () => {
  const { clock, state, watch } = setup();
  watch.watch();
  watch.heard();
  state.serverSeq = 9;
  clock.advance(DETECT_MS);
  watch.unwatch();
  await flush();
  clock.advance(DETECT_MS);
  assert.deepEqual([state.verdicts, clock.pending], [0, 0]);
});

Deno.test("path watch stays with its verdict: a later stream is not watched again", () => {
  const { clock, state, watch } = setup();
  watch.watch();
  clock.advance(DETECT_MS);
  watch.watch();
  clock.advance(DETECT_MS);
  assert.deepEqual([state.verdicts, clock.pending], [1, 0]);
});

Deno.test("a rejected request is a network failure unless its own signal stopped it", () => {
  const own = new AbortController();
  for (
    const error of [
      new TypeError("Failed to fetch"),
      new TypeError("Load failed"),
      new TypeError("NetworkError when attempting to fetch resource."),
      new TypeError("network error"),
      new DOMException("The operation was aborted.", "AbortError"),
    ]
  ) {
    assert.equal(failureOf(own.signal), "network", String(error));
  }
  own.abort();
  assert.equal(failureOf(own.signal), "aborted");
});
