import assert from "node:assert/strict";
import { LiveRun } from "../../server/runs/live-run.ts";
import { MirrorRun } from "../../server/runs/mirror-run.ts";
import { Run } from "../../server/runs/run.ts";
import { RunLog } from "../../server/runs/run-log.ts";
import { encodeEvent } from "../../protocol/sse-encode.ts";
import type { SequencedEvent } from "../../protocol/events.ts";
import { sha256Hex } from "../../server/runs/digest.ts";
import { manualClock } from "./harness.ts";

function newRun() {
  const clock = manualClock();
  const run = LiveRun.start(
    {
      id: "R".repeat(22),
      kind: "chat",
      plan: [{ stage: "reply", panel: "chat", title: "Reply" }],
      createdAt: 0,
    },
    { clock, flushMs: 40, backlogBytes: 1 << 20 },
  );
  run.openStage("chat", "reply", { index: 0, count: 1, title: "Reply" });
  return { run, clock };
}

const chunks = (run: Run) =>
  run.log.events.flatMap((e) => e.type === "content_chunk" ? [e.content] : []);

Deno.test("run holds a short tail until FLUSH_MS of provider silence, then sends it", () => {
  const { run, clock } = newRun();
  run.write("chat", "Patient");
  assert.deepEqual(chunks(run), []);
  clock.advance(39);
  assert.deepEqual(chunks(run), []);
  clock.advance(1);
  assert.deepEqual(chunks(run), ["Patient"]);
});

Deno.test("run sends held text FLUSH_MS after its oldest character, however often deltas come", () => {
  const { run, clock } = newRun();
  run.write("chat", "P");
  for (const piece of ["a", "t", "i"]) {
    clock.advance(10);
    run.write("chat", piece);
  }
  assert.deepEqual(chunks(run), []);
  clock.advance(10);
  assert.deepEqual(chunks(run), ["Pati"]);
});

Deno.test("run times the idle flush afresh for text that arrives after one", () => {
  const { run, clock } = newRun();
  run.write("chat", "Pat");
  clock.advance(40);
  run.write("chat", "ient");
  clock.advance(39);
  assert.deepEqual(chunks(run), ["Pat"]);
  clock.advance(1);
  assert.deepEqual(chunks(run), ["Pat", "ient"]);
});

Deno.test("run retries an idle flush that had to keep an unfinished grapheme", () => {
  const { run, clock } = newRun();
  run.write("chat", "ok \uD83E");
  clock.advance(40);
  assert.deepEqual(chunks(run), ["ok "]);
  run.write("chat", "\uDEC0");
  clock.advance(40);
  assert.deepEqual(chunks(run), ["ok ", "\uD83E\uDEC0"]);
});

Deno.test("run cancel sends held text, then stream_done cancelled with digests", () => {
  const { run } = newRun();
  run.write("chat", "Stop the");
  assert.equal(run.cancel(), true);
  assert.equal(run.controller.signal.aborted, true);
  const done = run.log.events.at(-1)!;
  assert.deepEqual(done.type === "stream_done" && done.metadata, {
    finish_reason: "cancelled",
    chunk_count: 2,
    digest: { reasoning: sha256Hex(""), chat: sha256Hex("Stop the") },
  });
  assert.deepEqual(chunks(run), ["Stop ", "the"]);
  assert.equal(run.cancel(), false);
  assert.equal(run.status, "cancelled");
});

Deno.test("run fail logs a clinician-safe error at the open stage, then stream_done error", () => {
  const { run } = newRun();
  run.write("chat", "Partial answer ");
  run.fail("upstream_timeout");
  const [error, done] = run.log.events.slice(-2);
  assert.deepEqual(
    error.type === "error" && [error.panel, error.stage, error.content, error.metadata],
    ["chat", "reply", "The model service stopped responding", {
      error_code: "upstream_timeout",
      retry_available: true,
    }],
  );
  assert.ok(done.type === "stream_done" && done.metadata.finish_reason === "error");
  assert.deepEqual(run.log.error, {
    code: "upstream_timeout",
    message: "The model service stopped responding",
  });
});

Deno.test("run ignores writes after it ended", () => {
  const { run } = newRun();
  run.complete("stop");
  const count = run.log.events.length;
  run.write("chat", "late text that must not appear");
  run.openStage("chat", "reply", { index: 0, count: 1, title: "Reply" });
  assert.equal(run.log.events.length, count);
});

Deno.test("run rebuilt from its log replays the same events and status", () => {
  const { run } = newRun();
  run.write("chat", "Creatinine is rising. ");
  run.closeStage("chat");
  run.complete("length");
  const copy = Run.replay({ info: run.info, events: run.log.events }, {
    clock: manualClock(),
    flushMs: 40,
    backlogBytes: 1,
  });
  assert.deepEqual(copy.log.events, run.log.events);
  assert.deepEqual(copy.log.frames, run.log.frames);
  assert.equal(copy.status, "complete");
  assert.equal(copy.log.panels.chat, "Creatinine is rising. ");
});

Deno.test("run hands out frames in batches bounded by bytes, at least one at a time", () => {
  const { run } = newRun();
  run.write("chat", "One two three four five six seven eight nine ten. ");
  assert.equal(run.log.batchEnd(0, 1 << 20), run.log.events.length);
  assert.equal(run.log.batchEnd(2, 1), 3);
  const frame = run.log.frames[2];
  assert.equal(run.log.batchEnd(2, frame.byteLength + run.log.frames[3].byteLength), 4);
  assert.deepEqual(concat(run.log.frameBytes(2, 3)), frame);
});

Deno.test("run log bytes are every frame back to back, across pages and after compaction", () => {
  const { run } = newRun();
  // Enough text for several pages (the first is 2 KB), with multi-byte characters.
  for (let i = 0; i < 400; i++) run.write("chat", `Dose ${i} µg — ok. `);
  const decode = (bytes: Uint8Array[]) => new TextDecoder().decode(concat(bytes));
  const expected = run.log.events.map((event) => encodeEvent(event)).join("");
  assert.equal(decode(run.log.frameBytes(0, run.log.events.length)), expected);
  assert.ok(run.log.frameBytes(0, run.log.events.length).length > 1, "spans pages");
  for (let from = 0; from < run.log.events.length; from += 37) {
    const to = Math.min(run.log.events.length, from + 53);
    assert.equal(
      decode(run.log.frameBytes(from, to)),
      run.log.events.slice(from, to).map((event) => encodeEvent(event)).join(""),
    );
  }
  const before = run.log.frameBytes(5, 9);
  const beforeText = decode(before);
  run.complete("stop");
  assert.equal(
    decode(run.log.frameBytes(0, run.log.events.length)),
    run.log.events.map((e) => encodeEvent(e)).join(""),
  );
  assert.equal(decode(before), beforeText, "views handed out earlier stay valid");
});

Deno.test("run log keeps each event's type and content length, and decodes the events whole", () => {
  const { run } = newRun();
  // Text a line-based reader could break: U+2028, U+2029, CR, a lone surrogate, "data: ".
  run.write("chat", "Line\u2028sep\u2029para\rret \ud800 lone\ndata: {} ok. ");
  run.closeStage("chat");
  run.complete("stop");
  const log = new RunLog();
  const appended: SequencedEvent[] = [];
  for (const event of run.log.events) {
    log.append(event);
    appended.push(event);
  }
  assert.deepEqual(log.events, appended);
  assert.deepEqual(JSON.parse(log.eventsJson()), appended);
  assert.deepEqual(appended.map((_, i) => log.typeAt(i)), appended.map((e) => e.type));
  assert.deepEqual(log.panels, run.log.panels);
  assert.deepEqual(log.last, appended.at(-1));
});

Deno.test("run log compaction leaves at most a quarter of its pages spare", () => {
  const { run } = newRun();
  for (let i = 0; i < 60; i++) run.write("chat", `Dose ${i} µg — ok. `);
  run.complete("stop");
  for (const count of [1, 5, 40, run.log.events.length]) {
    const log = new RunLog();
    for (const event of run.log.events.slice(0, count)) log.append(event);
    const used = log.bytesFrom(0);
    log.compact();
    assert.ok(log.allocatedBytes - used <= log.allocatedBytes / 4, `${count} events`);
    assert.equal(
      new TextDecoder().decode(concat(log.frameBytes(0, count))),
      run.log.events.slice(0, count).map((event) => encodeEvent(event)).join(""),
    );
  }
});

function concat(views: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(views.reduce((sum, view) => sum + view.byteLength, 0));
  let offset = 0;
  for (const view of views) {
    out.set(view, offset);
    offset += view.byteLength;
  }
  return out;
}

function mirrorOf(events: SequencedEvent[]) {
  const clock = manualClock();
  const source = events[0];
  const info = {
    id: source.runId,
    kind: "chat" as const,
    plan: [{ stage: "reply", panel: "chat" as const, title: "Reply" }],
    createdAt: 0,
  };
  return MirrorRun.follow(
    { info, events: events.slice(0, 2) },
    { clock, flushMs: 40, backlogBytes: 1 << 20 },
  );
}

Deno.test("run mirror takes events in seq order only and ends at stream_done", () => {
  const { run } = newRun();
  run.write("chat", "Blood pressure is stable today.");
  run.closeStage("chat");
  run.complete("stop");
  const mirror = mirrorOf(run.log.events);
  assert.equal(mirror.log.lastSeq, 2);
  assert.ok(mirror.running);
  mirror.ingest(run.log.events[1]);
  mirror.ingest(run.log.events[3]);
  assert.equal(mirror.log.lastSeq, 2, "a duplicate and a gap are both refused");
  for (const event of run.log.events.slice(2)) mirror.ingest(event);
  assert.equal(mirror.status, "complete");
  assert.deepEqual(mirror.log.events, run.log.events);
  assert.deepEqual(mirror.log.frames, run.log.frames);
  assert.equal(mirror.log.panels.chat, run.log.panels.chat);
  assert.ok(!("cancel" in mirror), "only the owner cancels");
});

Deno.test("run mirror lose() appends the seq-0 stream_lost pair and keeps the text", async () => {
  const { run } = newRun();
  run.write("chat", "Partial assessment so far ");
  const mirror = mirrorOf(run.log.events);
  for (const event of run.log.events.slice(2)) mirror.ingest(event);
  mirror.lose();
  await mirror.done;
  assert.equal(mirror.status, "error");
  assert.equal(mirror.log.lastSeq, run.log.lastSeq, "seq-0 events do not move lastSeq");
  const [error, done] = mirror.log.events.slice(-2);
  assert.equal(error.type === "error" && error.metadata.error_code, "stream_lost");
  assert.equal(done.type === "stream_done" && done.metadata.finish_reason, "error");
  assert.deepEqual([error.seq, done.seq], [0, 0]);
  assert.equal(mirror.log.panels.chat, run.log.panels.chat);
  assert.ok(!new TextDecoder().decode(mirror.log.frames.at(-1)).includes("id:"));
});
