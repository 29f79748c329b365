import assert from "node:assert/strict";
import { Conversation, messagesOf } from "../../widgets/connection/api-bodies.ts";

Deno.test("messagesOf maps saved messages to the view's, keeping reasoning and status", () => {
  const conversation = Conversation.parse({
    id: "c1",
    messages: [
      {
        id: "m1",
        role: "user",
        content: "Hi",
        reasoning: null,
        status: "complete",
        runId: null,
        createdAt: 1,
      },
      {
        id: "m2",
        role: "assistant",
        content: "Part",
        reasoning: "Think",
        status: "cancelled",
        runId: "r1",
        createdAt: 2,
      },
    ],
  });
  assert.deepEqual(messagesOf(conversation), [
    { id: "m1", role: "user", content: "Hi", status: "complete" },
    {
      id: "m2",
      role: "assistant",
      content: "Part",
      status: "cancelled",
      runId: "r1",
      reasoning: "Think",
    },
  ]);
});
