import assert from "node:assert/strict";
import type { CompletionRequest, LlmProvider } from "../../server/providers/provider.ts";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import { pump, settle } from "../../server/runs/drive.ts";
import { LiveRun } from "../../server/runs/live-run.ts";
import { manualClock } from "./harness.ts";

const REQUEST: Omit<CompletionRequest, "signal"> = {
  purpose: "chat",
  stage: "reply",
  history: [],
  messages: [],
};

function chatRun(clock: ReturnType<typeof manualClock>): LiveRun {
  const run = LiveRun.start(
    {
      id: "D".repeat(22),
      kind: "chat",
      plan: [{ stage: "reply", panel: "chat", title: "Reply" }],
      createdAt: 0,
    },
    { clock, flushMs: 40, backlogBytes: 1 << 20 },
  );
  run.openStage("chat", "reply", { index: 0, count: 1, title: "Reply" });
  return run;
}

/** Lets pending promise callbacks run, so the driver reaches its next await. */
const settleMicrotasks = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("pump times out a model that never sends its first delta", async () => {
  const clock = manualClock();
  const run = chatRun(clock);
  const provider = createScriptedProvider({
    charsPerSec: 1000,
    firstTokenMs: 0,
    sleep: () => Promise.resolve(),
  });
  provider.armFault({ kind: "stall", afterChars: 0 });
  const upstream = { provider, clock, idleTimeoutMs: 1_000, maxOutputTokens: 4096 };
  const driving = settle(run, async () => {
    await pump(run, REQUEST, { upstream, routes: { answer: "chat" } });
  }, { log: () => {} });
  await settleMicrotasks();
  clock.advance(999);
  await settleMicrotasks();
  assert.equal(run.running, true);
  clock.advance(1);
  await driving;
  assert.deepEqual(run.log.error?.code, "upstream_timeout");
  assert.equal(run.status, "error");
});

Deno.test("pump closes the provider's stream when the run ends between deltas", async () => {
  const clock = manualClock();
  const run = chatRun(clock);
  let closed = false;
  const provider: LlmProvider = {
    name: "scripted",
    async *stream() {
      try {
        yield { channel: "answer", text: "First " };
        // The run is cancelled while this delta is on its way: the pump must not read on.
        run.cancel();
        yield { channel: "answer", text: "never read" };
        return "stop";
      } finally {
        closed = true;
      }
    },
  };
  const upstream = { provider, clock, idleTimeoutMs: 1_000, maxOutputTokens: 4096 };
  const result = await pump(run, REQUEST, { upstream, routes: { answer: "chat" } });
  assert.equal(result, undefined);
  await settleMicrotasks();
  assert.equal(closed, true);
  assert.equal(run.log.panels.chat, "First ");
});
