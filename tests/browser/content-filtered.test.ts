/// <reference path="./support/mocha-globals.d.ts" />
/**
 * A reply the model service withheld part of (`content_filtered`): the provider shows the text
 * that arrived, marked incomplete, with the reason and no Retry, since asking again cannot help.
 */
import "../../widgets/index.ts";
import type { ChatStream } from "../../widgets/chat-stream.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { StreamDoneEvent, StreamErrorEvent } from "../../widgets/events.ts";
import { sha256Hex } from "../../protocol/sha256.ts";
import { encodeEvent } from "../../protocol/sse-encode.ts";
import type { StreamEvent } from "../../protocol/events.ts";
import { stubFetch } from "./support/fetch-stub.ts";
import { mount, nextEvent, recordEvents, unmountAll, waitFor } from "./support/dom.ts";
import { assert, assertEqual, shadow, textOf } from "./view-fixture.ts";

const SRC = "/test/content-filtered/stream";
const RUN = "run_filteredfiltered";
const PARTIAL = "Likely NSTEMI. Start asp";
const WITHHELD = "The model service withheld the rest of this answer; it is incomplete";

/** The stream of a chat reply cut by the provider's content filter, as the server sends it. */
async function filteredReply(): Promise<string> {
  let seq = 0;
  const common = (panel: "reasoning" | "chat") => ({
    runId: RUN,
    seq: ++seq,
    ts: 1000 + seq,
    panel,
    stage: "reply",
    content: "",
  });
  const events: StreamEvent[] = [
    {
      type: "run_start",
      ...common("reasoning"),
      metadata: {
        kind: "chat",
        stages: [
          { stage: "reply", panel: "reasoning", title: "Reasoning" },
          { stage: "reply", panel: "chat", title: "Reply" },
        ],
        conversation_id: "conv-filtered",
      },
    },
    {
      type: "stage_start",
      ...common("chat"),
      metadata: { stage_index: 0, stage_count: 1, title: "Reply" },
    },
    {
      type: "content_chunk",
      ...common("chat"),
      content: "Likely ",
      metadata: { chunk_index: 0 },
    },
    {
      type: "content_chunk",
      ...common("chat"),
      content: "NSTEMI. ",
      metadata: { chunk_index: 1 },
    },
    {
      type: "content_chunk",
      ...common("chat"),
      content: "Start asp",
      metadata: { chunk_index: 2 },
    },
    {
      type: "error",
      ...common("chat"),
      content: WITHHELD,
      metadata: { error_code: "content_filtered", retry_available: false },
    },
    {
      type: "stream_done",
      ...common("chat"),
      metadata: {
        finish_reason: "error",
        chunk_count: 3,
        digest: { reasoning: await sha256Hex(""), chat: await sha256Hex(PARTIAL) },
      },
    },
  ];
  return events.map(encodeEvent).join("");
}

let restoreFetch: (() => void) | undefined;
afterEach(() => {
  unmountAll();
  restoreFetch?.();
  restoreFetch = undefined;
});

describe("a content-filtered reply", () => {
  it("shows its partial text marked incomplete, the reason, and no Retry", async () => {
    const body = await filteredReply();
    restoreFetch = stubFetch((url) =>
      url.endsWith(SRC)
        ? Promise.resolve(
          new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } }),
        )
        : undefined
    );
    const provider = mount<StreamProvider>(
      `<stream-provider src="${SRC}"><chat-stream></chat-stream></stream-provider>`,
    );
    const chat = provider.querySelector<ChatStream>("chat-stream")!;
    const errors = recordEvents<StreamErrorEvent>(provider, "stream-error");
    const done = nextEvent<StreamDoneEvent>(provider, "stream-done");
    provider.start();
    const finished = await done;
    assertEqual([finished.finishReason, finished.verified], ["error", true], "stream-done");
    assertEqual(
      errors.map((error) => [error.code, error.message, error.retryAvailable]),
      [["content_filtered", WITHHELD, false]],
      "stream-error",
    );

    const root = shadow(chat);
    const error = await waitFor(() => root.querySelector('[part~="error"]'), {
      what: "the error to render",
    });
    const reply = root.querySelector('[part~="message-assistant"]');
    assert(reply, "the reply is shown");
    assertEqual(textOf(reply.querySelector('[part~="message-content"]')), PARTIAL, "reply text");
    assertEqual(textOf(reply.querySelector('[part~="incomplete"]')), "incomplete", "mark");
    assertEqual(textOf(error.querySelector("span")), WITHHELD, "error message");
    assertEqual(root.querySelector('[part~="retry-button"]'), null, "no Retry");
    assertEqual(provider.view.messages.map((m) => [m.content, m.status]), [[PARTIAL, "error"]]);
  });
});
