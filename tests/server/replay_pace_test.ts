/**
 * Timed replay (`?pace=`): when each event is sent, on an injected clock to the millisecond and
 * over a real socket within 10 ms; silences capped and marked; a live run followed; bad paces and
 * strangers answered as for anyone.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { SILENCE_CAP_MS } from "../../protocol/replay.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import type { LlmProvider } from "../../server/providers/provider.ts";
import { pacedStream } from "../../server/replay/paced-stream.ts";
import { Run } from "../../server/runs/run.ts";
import { as, authApp, people, snapshot } from "./auth-rig.ts";
import { gatedProvider, makeApp, manualClock, readEvents, serve, startChatRun } from "./harness.ts";

const RUN_ID = "Replay0123456789abcd";
const UNKNOWN = "Zz0123456789abcdefghij";

/** A finished chat run whose events carry the given times. */
function recordedRun(times: number[], clock = manualClock()): Run {
  const common = (seq: number) => ({
    runId: RUN_ID,
    seq,
    ts: times[seq - 1],
    panel: "chat" as const,
    stage: "reply",
    content: "",
  });
  const words = times.length - 4;
  const events: SequencedEvent[] = [
    {
      ...common(1),
      type: "run_start",
      metadata: { kind: "chat", stages: [{ stage: "reply", panel: "chat", title: "Reply" }] },
    },
    { ...common(2), type: "stage_start", metadata: { stage_index: 0, stage_count: 1, title: "" } },
    ...Array.from({ length: words }, (_, i): SequencedEvent => ({
      ...common(3 + i),
      type: "content_chunk",
      content: `w${i} `,
      metadata: { chunk_index: i },
    })),
    {
      ...common(3 + words),
      type: "stage_complete",
      metadata: { chunk_count: words, stage_index: 0, stage_count: 1 },
    },
    {
      ...common(4 + words),
      type: "stream_done",
      metadata: {
        finish_reason: "stop",
        chunk_count: words,
        digest: { reasoning: "0".repeat(64), chat: "0".repeat(64) },
      },
    },
  ];
  const info = { id: RUN_ID, kind: "chat" as const, plan: [], createdAt: times[0] };
  return Run.replay({ info, events }, { clock, flushMs: 5, backlogBytes: 1 << 20 });
}

Deno.test("paced replay sends each event at its time divided by the factor, to the ms", async () => {
  const clock = manualClock();
  // Gaps 0, 100, 250, 60 s (a silence), 40, 0, in the run's own time.
  const times = [5000, 5000, 5100, 5350, 65_350, 65_390, 65_390];
  const body = pacedStream(recordedRun(times, clock), 0, {
    factor: 10,
    retryMs: 1000,
    heartbeatMs: 60_000,
    clock,
    log: () => {},
  });
  const start = clock.now();
  const received: { at: number; text: string }[] = [];
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      received.push({ at: clock.now() - start, text: decoder.decode(step.value) });
    }
  })();
  for (let ms = 0; ms < 1000; ms++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock.advance(1);
  }
  await reading;
  const silence = `: silence 60000 ms shortened to ${SILENCE_CAP_MS} ms\n\n`;
  const frames = received.filter((r) => r.text.startsWith("id: ") || r.text === silence);
  assert.deepEqual(
    frames.map((r) => [r.at, r.text.startsWith("id: ") ? r.text.split("\n")[0] : "silence"]),
    [
      [0, `id: ${RUN_ID}.1`],
      [0, `id: ${RUN_ID}.2`],
      [10, `id: ${RUN_ID}.3`],
      [35, `id: ${RUN_ID}.4`],
      [35 + SILENCE_CAP_MS / 10, "silence"],
      [35 + SILENCE_CAP_MS / 10, `id: ${RUN_ID}.5`],
      [39 + SILENCE_CAP_MS / 10, `id: ${RUN_ID}.6`],
      [39 + SILENCE_CAP_MS / 10, `id: ${RUN_ID}.7`],
    ],
  );
});

/** A model that pauses between its words as a real one does: `gaps[i]` ms before word i. */
function pausingProvider(gaps: number[]): LlmProvider {
  return {
    name: "openai",
    async *stream() {
      for (const [i, gap] of gaps.entries()) {
        await new Promise((resolve) => setTimeout(resolve, gap));
        yield { channel: "answer", text: `word${i} ` };
      }
      return "stop";
    },
  };
}

Deno.test("paced replay at factor 10 over a socket keeps order and spacing within 10 ms", async () => {
  const h = makeApp({ provider: pausingProvider([0, 400, 250, 900, 600, 1200, 300]) });
  const server = await serve(h.app);
  try {
    const { runId } = await startChatRun(h.app);
    const recorded = await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    const response = await fetch(`${server.origin}/api/runs/${runId}/stream?pace=10`);
    const decoder = createSseDecoder();
    const arrivals: { seq: number; ts: number; at: number }[] = [];
    const reader = response.body!.getReader();
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      const at = performance.now();
      for (const message of decoder.push(step.value)) {
        const parsed = parseEvent(message.data);
        if (parsed.ok && parsed.event.type !== "heartbeat") {
          arrivals.push({ seq: parsed.event.seq, ts: parsed.event.ts, at });
        }
      }
    }
    assert.deepEqual(arrivals.map((a) => a.seq), recorded.map((e) => e.seq));
    assert.deepEqual(arrivals.map((a) => a.ts), recorded.map((e) => e.ts));
    const first = arrivals[0];
    const drift = arrivals.map((a) => Math.abs((a.at - first.at) - (a.ts - first.ts) / 10));
    assert.ok(Math.max(...drift) <= 10, `drift per event (ms): ${drift.map(Math.round)}`);
    // The spacing was there to keep: the run took seconds and the replay a tenth of that.
    assert.ok(recorded.at(-1)!.ts - recorded[0].ts >= 3600);
  } finally {
    await server.close();
    h.close();
  }
});

Deno.test("paced replay of a live run catches up at its pace, then follows live", async () => {
  const gated = gatedProvider();
  const h = makeApp({ provider: gated.provider });
  try {
    const { runId } = await startChatRun(h.app);
    gated.push("Before ");
    await new Promise((resolve) => setTimeout(resolve, 300));
    gated.push("joining ");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await h.app.request(`/api/runs/${runId}/stream?pace=2`);
    const decoder = createSseDecoder();
    const reader = response.body!.getReader();
    const opened = performance.now();
    const arrivals: { content: string; at: number }[] = [];
    const reading = (async () => {
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        for (const message of decoder.push(step.value)) {
          const parsed = parseEvent(message.data);
          if (parsed.ok && parsed.event.type === "content_chunk") {
            arrivals.push({ content: parsed.event.content, at: performance.now() - opened });
          }
        }
      }
    })();
    // At half speed the 300 ms between the two words take 150 ms.
    while (arrivals.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(arrivals.map((a) => a.content), ["Before ", "joining "]);
    assert.ok(arrivals[1].at - arrivals[0].at >= 140, `caught up in ${arrivals[1].at} ms`);
    // The replay ran 350 ms behind the run when it opened; at twice the speed it has caught up
    // after another 350 ms, and from then on an event goes as soon as it is logged.
    await new Promise((resolve) => setTimeout(resolve, 700 - (performance.now() - opened)));
    const pushedAt = performance.now() - opened;
    gated.push("live ");
    gated.end();
    await reading;
    assert.equal(arrivals[2].content, "live ");
    assert.ok(arrivals[2].at - pushedAt < 100, `live event ${arrivals[2].at - pushedAt} ms late`);
  } finally {
    h.close();
  }
});

Deno.test("paced replay refuses a bad pace with a JSON error, for any id", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(`/api/runs/${UNKNOWN}/stream?pace=fast`);
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.code, "invalid_request");
    assert.deepEqual(body.error.issues, [{ path: "pace", code: "invalid_format" }]);
  } finally {
    h.close();
  }
});

Deno.test("paced replay gives a stranger exactly the stream_lost of an unknown id", async () => {
  const h = authApp();
  const { ada, eve } = await people();
  try {
    const start = await h.app.request(
      "/api/chat/messages",
      as(ada, { method: "POST", body: { message: "Hello" } }),
    );
    const { runId } = await start.json();
    const stranger = await snapshot(
      await h.app.request(`/api/runs/${runId}/stream?pace=10`, as(eve)),
    );
    const unknown = await snapshot(
      await h.app.request(`/api/runs/${UNKNOWN}/stream?pace=10`, as(eve)),
    );
    assert.deepEqual(stranger, { ...unknown, body: unknown.body.replaceAll(UNKNOWN, runId) });
    assert.ok(stranger.body.includes('"error_code":"stream_lost"'));
    const owner = await readEvents(
      await h.app.request(`/api/runs/${runId}/stream?pace=1000`, as(ada)),
    );
    assert.equal(owner.at(-1)?.type, "stream_done");
  } finally {
    h.close();
  }
});
