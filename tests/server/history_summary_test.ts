/**
 * Long chats that remember: past HISTORY_MAX_CHARS the oldest turns go upstream as a recap the
 * model made once (never streamed), cached with the conversation and refreshed as it grows.
 */
import assert from "node:assert/strict";
import type { CompletionRequest, LlmProvider } from "../../server/providers/provider.ts";
import { planHistory, RECAP_HEADING, recapChars } from "../../server/runs/history-summary.ts";
import type { StoredMessage } from "../../server/storage/store.ts";
import { fastScripted, makeApp, panelText, readEvents } from "./harness.ts";

const MAX_CHARS = 6000;
const JSON_TYPE = { "content-type": "application/json" };

/** The scripted model, recording every request it is sent. */
function recordingModel() {
  const requests: CompletionRequest[] = [];
  const inner = fastScripted();
  const provider: LlmProvider = {
    name: "scripted",
    stream(request) {
      requests.push(request);
      return inner.stream(request);
    },
  };
  return { provider, requests };
}

/** Characters of the turns before the new message (the last turn). */
const earlierChars = (request: CompletionRequest) =>
  request.history.slice(0, -1).reduce((sum, turn) => sum + turn.content.length, 0);

Deno.test("history recap: a 60-turn conversation sends a recap plus the newest turns, under the limit", async () => {
  const model = recordingModel();
  const h = makeApp({ provider: model.provider, config: { historyMaxChars: MAX_CHARS } });
  try {
    let conversationId: string | undefined;
    const streamed: string[] = [];
    const ask = async (turn: number) => {
      const response = await h.app.request("/api/chat/stream", {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify({
          message: `Question ${turn}: what about the potassium trend on day ${turn}?`,
          caseId: "dka-new-onset",
          ...(conversationId ? { conversationId } : {}),
        }),
      });
      const events = await readEvents(response);
      conversationId ??= (events[0].metadata as { conversation_id: string }).conversation_id;
      streamed.push(panelText(events, "reasoning") + panelText(events, "chat"));
    };
    for (let turn = 1; turn <= 30; turn++) await ask(turn);
    const stored = (await h.app.context.conversations.get(conversationId!))!.messages;
    assert.equal(stored.length, 60);
    const total = stored.reduce((sum, m) => sum + m.content.length, 0);
    assert.ok(total > 2 * MAX_CHARS, `only ${total} characters in 60 turns`);

    const recaps = model.requests.filter((r) => r.purpose === "recap");
    const chats = model.requests.filter((r) => r.purpose === "chat");
    const last = chats.at(-1)!;
    const [first] = last.history;
    // The recap goes first, the newest turns after it, contiguous up to the new message.
    assert.ok(first.content.startsWith(RECAP_HEADING), first.content.slice(0, 80));
    assert.ok(first.content.includes("Question 1: what about the potassium trend"));
    const kept = last.history.slice(1, -1);
    assert.deepEqual(
      kept,
      stored.slice(58 - kept.length, 58).map(({ role, content }) => ({ role, content })),
    );
    assert.ok(earlierChars(last) <= MAX_CHARS, `${earlierChars(last)} characters sent`);
    console.log(
      `60 turns of ${total} characters; the last message sent ${earlierChars(last)} ` +
        `(a recap of ${first.content.length} and the newest ${kept.length} turns)`,
    );
    // Made once per refresh, not per message: fewer recaps than messages past the limit.
    const pastLimit = chats.filter((r) => r.history[0].content.startsWith(RECAP_HEADING)).length;
    assert.ok(recaps.length >= 1 && recaps.length < pastLimit, `${recaps.length}/${pastLimit}`);
    console.log(`${recaps.length} recaps made for ${pastLimit} messages past the limit`);
    // A refresh folds the earlier recap in, so the first question stays.
    assert.ok(recaps.length > 1, "the summary is refreshed as the conversation grows");
    assert.ok(recaps.at(-1)!.recap?.includes("Question 1:"));
    // Never streamed: no viewer saw recap text.
    assert.ok(streamed.every((text) => !text.includes("Earlier in this conversation")));
    // Cached with the conversation.
    assert.ok(h.store.loadSummary(conversationId!)?.text.includes("Question 1:"));
  } finally {
    h.close();
  }
});

/** Messages of `chars` characters each, alternating user and assistant. */
function messages(count: number, chars: number): StoredMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `m${index}`,
    role: index % 2 === 0 ? "user" : "assistant",
    content: "x".repeat(chars),
    reasoning: "",
    status: "complete",
    runId: `r${index}`,
    createdAt: index,
  }));
}

Deno.test("planHistory sends everything that fits, and never recaps under a limit too small for one", () => {
  assert.deepEqual(planHistory(messages(10, 100), undefined, { maxChars: 1000 }), {
    kind: "whole",
  });
  assert.ok(recapChars(100) <= 0);
  assert.deepEqual(planHistory(messages(10, 100), undefined, { maxChars: 100 }), { kind: "whole" });
});

Deno.test("planHistory reuses a recap that covers what no longer fits, and refreshes one that does not", () => {
  const earlier = messages(50, 100);
  // 5000 characters, 3000 of room beside the recap: the newest 30 messages fit, so the first 20
  // need the recap; a refresh covers up to the newest 15, which fit in half the room.
  assert.deepEqual(planHistory(earlier, undefined, { maxChars: 4000 }), {
    kind: "refresh",
    covers: 35,
  });
  const cached = { covers: 35, text: "recap" };
  assert.deepEqual(planHistory(earlier, cached, { maxChars: 4000 }), {
    kind: "cached",
    summary: cached,
  });
  const grown = messages(70, 100);
  assert.deepEqual(planHistory(grown, cached, { maxChars: 4000 }), {
    kind: "refresh",
    covers: 55,
    previous: cached,
  });
});
