/**
 * The Redis follow loop on a manual clock and a scripted connection: event order, lease checks,
 * malformed entries and outages, with no Redis and no waiting.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import type { StreamEntry } from "../../server/storage/redis-entries.ts";
import { type FollowConnection, followRun } from "../../server/storage/redis-follow.ts";
import { leaseCheckMs } from "../../server/storage/redis-layout.ts";
import { manualClock } from "./harness.ts";

const RUN = "R".repeat(22);
const LEASE_MS = 600;
// A quiet blocking read lasts this long, and a failed one is retried after it.
const BLOCK_MS = leaseCheckMs(LEASE_MS);

const chunk = (seq: number): SequencedEvent => ({
  type: "content_chunk",
  runId: RUN,
  seq,
  ts: seq,
  panel: "chat",
  stage: "reply",
  content: "word ",
  metadata: { chunk_index: seq - 1 },
});

const done = (seq: number): SequencedEvent => ({
  type: "stream_done",
  runId: RUN,
  seq,
  ts: seq,
  panel: "chat",
  stage: "reply",
  content: "",
  metadata: {
    finish_reason: "stop",
    chunk_count: seq - 1,
    digest: { reasoning: "0".repeat(64), chat: "1".repeat(64) },
  },
});

const entry = (event: SequencedEvent | string, seq: number): StreamEntry => [
  `${seq}-0`,
  ["e", typeof event === "string" ? event : JSON.stringify(event)],
];

/** Lets the follow loop run until it waits on the clock again. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A follow of RUN after `afterSeq` on a scripted connection: each read takes the next reply, or
 * waits out its block on the clock when none is left; reads fail while `down`, never answer while
 * `stalled`, and fail once closed. Redis finds the owner's lease lapsed after `leaseUntil`.
 */
function follow(
  options: { replies?: StreamEntry[][]; afterSeq?: number; leaseUntil?: number } = {},
) {
  const clock = manualClock(0);
  const replies = [...(options.replies ?? [])];
  const events: SequencedEvent[] = [];
  const reads: number[] = [];
  const standings: number[] = [];
  const logs: string[] = [];
  const state = { down: false, stalled: false, lost: 0, stopped: 0, closed: false };
  // As on a real connection, closing it fails the read in progress.
  let failPending = () => {};
  const connection: FollowConnection = {
    ready: () => Promise.resolve(),
    entriesAfter(seq, blockMs) {
      reads.push(seq);
      if (state.down || state.closed) return Promise.reject(new Error("Connection is closed"));
      const reply = state.stalled ? undefined : replies.shift();
      if (reply) return Promise.resolve(reply);
      return new Promise((resolve, reject) => {
        const timer = state.stalled ? undefined : clock.setTimeout(() => resolve(null), blockMs);
        failPending = () => {
          clock.clearTimeout(timer);
          reject(new Error("Connection is closed"));
        };
      });
    },
    close: () => {
      state.closed = true;
      failPending();
    },
  };
  const handle = followRun(RUN, options.afterSeq ?? 0, {
    connection,
    standing: () => {
      const now = clock.now();
      standings.push(now);
      return Promise.resolve(now > (options.leaseUntil ?? Infinity) ? "lost" : "running");
    },
    handlers: { event: (event) => events.push(event), lost: () => state.lost++ },
    onStop: () => state.stopped++,
    clock,
    leaseMs: LEASE_MS,
    log: (event) => logs.push(event),
  });
  /** Moves the clock on by `ms` in steps of one block, letting the loop run after each. */
  const advance = async (ms: number) => {
    for (let passed = 0; passed < ms; passed += BLOCK_MS) {
      clock.advance(BLOCK_MS);
      await settle();
    }
  };
  return { handle, events, reads, standings, logs, state, advance };
}

Deno.test("redis follow hands on events in seq order and ends at stream_done", async () => {
  const f = follow({
    afterSeq: 2,
    replies: [[entry(chunk(3), 3), entry(chunk(4), 4)], [entry(done(5), 5)]],
  });
  await settle();
  assert.deepEqual(f.events, [chunk(3), chunk(4), done(5)]);
  assert.deepEqual(f.reads, [2, 4]);
  assert.deepEqual(f.state, { down: false, stalled: false, lost: 0, stopped: 1, closed: true });
});

Deno.test("redis follow checks the lease on the clock after each quiet block", async () => {
  const f = follow({ leaseUntil: 550 });
  await settle();
  await f.advance(500);
  assert.deepEqual(f.standings, [100, 200, 300, 400, 500]);
  assert.equal(f.state.lost, 0);
  await f.advance(100);
  assert.deepEqual(f.standings, [100, 200, 300, 400, 500, 600]);
  assert.deepEqual(f.state, { down: false, stalled: false, lost: 1, stopped: 1, closed: true });
});

Deno.test("redis follow treats a malformed entry as a lost run", async () => {
  const f = follow({ replies: [[entry(chunk(1), 1), entry('{"type":', 2)]] });
  await settle();
  assert.deepEqual(f.events, [chunk(1)]);
  assert.deepEqual(f.state, { down: false, stalled: false, lost: 1, stopped: 1, closed: true });
});

Deno.test("redis follow treats a gap in seq as a lost run", async () => {
  const f = follow({ replies: [[entry(chunk(1), 1), entry(chunk(3), 3)]] });
  await settle();
  assert.deepEqual(f.events, [chunk(1)]);
  assert.equal(f.state.lost, 1);
});

Deno.test("redis follow gives up once Redis has answered nothing for a lease", async () => {
  const f = follow();
  f.state.down = true;
  await settle();
  await f.advance(LEASE_MS - BLOCK_MS);
  assert.equal(f.state.lost, 0);
  assert.equal(f.reads.length, 6);
  await f.advance(BLOCK_MS);
  assert.equal(f.state.lost, 1);
  assert.deepEqual(f.logs, ["run_follow_unreachable"]);
  assert.equal(f.state.closed, true);
});

Deno.test("redis follow tells a stalled Redis lost a lease after its last answer", async () => {
  const f = follow();
  await settle();
  await f.advance(2 * BLOCK_MS);
  // A stall answers nothing at all, not even an error: the wait itself is bounded.
  f.state.stalled = true;
  // The read in progress still answers, at the end of its block: the last answer.
  await f.advance(BLOCK_MS);
  await f.advance(LEASE_MS - BLOCK_MS);
  assert.equal(f.state.lost, 0);
  await f.advance(BLOCK_MS);
  assert.equal(f.state.lost, 1);
  assert.deepEqual(f.logs, ["run_follow_unreachable"]);
});

Deno.test("redis follow resumes after an outage shorter than the lease", async () => {
  const f = follow({ replies: [[entry(chunk(1), 1)]] });
  f.state.down = true;
  await settle();
  await f.advance(LEASE_MS - BLOCK_MS);
  f.state.down = false;
  await f.advance(BLOCK_MS);
  assert.deepEqual(f.events, [chunk(1)]);
  // The outage clock restarts: another outage of almost a lease is survived too.
  f.state.down = true;
  await f.advance(LEASE_MS - BLOCK_MS);
  assert.equal(f.state.lost, 0);
  assert.deepEqual(f.logs, []);
  f.handle.stop();
});

Deno.test("redis follow stopped early reports nothing more", async () => {
  const f = follow({ leaseUntil: 150 });
  await settle();
  f.handle.stop();
  await f.advance(400);
  assert.deepEqual(f.standings, []);
  assert.deepEqual(f.state, { down: false, stalled: false, lost: 0, stopped: 1, closed: true });
});
