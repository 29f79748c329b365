/**
 * A stranger's answers are byte for byte an unknown id's: status, every header and the body
 * (the body names the id that was asked for, so the unknown id is swapped for the real one).
 */
import assert from "node:assert/strict";
import { readEvents } from "./harness.ts";
import { as, authApp, people, snapshot } from "./auth-rig.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";
const UNKNOWN = "Zz0123456789abcdefghij";

Deno.test("auth: a stranger's answers are exactly those for an unknown id", async () => {
  const h = authApp();
  const { ada, eve } = await people();
  try {
    const events = await readEvents(await h.app.request(STAGE, as(ada)));
    const runId = events[0].runId;
    const chat = await h.app.request(
      "/api/chat/messages",
      as(ada, { method: "POST", body: { message: "Hello" } }),
    );
    const { conversationId } = await chat.json();
    const cases: [string, (id: string) => [string, ReturnType<typeof as>]][] = [
      ["status", (id) => [`/api/runs/${id}`, as(eve)]],
      ["stream", (id) => [`/api/runs/${id}/stream`, as(eve)]],
      ["resume", (id) => [`/api/runs/${id}/stream?lastEventId=${id}.3`, as(eve)]],
      ["workflow resume", (id) => [`${STAGE}?lastEventId=${id}.3`, as(eve)]],
      ["long poll", (id) => [`/api/runs/${id}/events`, as(eve)]],
      ["result", (id) => [`/api/runs/${id}/result`, as(eve)]],
      ["viewers", (id) => [`/api/runs/${id}/viewers`, as(eve)]],
      ["cancel", (id) => [`/api/runs/${id}/cancel`, as(eve, { method: "POST" })]],
      ["grant", (id) => [
        `/api/runs/${id}/observers`,
        as(eve, { method: "POST", body: { sub: "dr-eve" } }),
      ]],
      ["ticket", (id) => ["/api/stream-tickets", as(eve, { method: "POST", body: { runId: id } })]],
      ["chat about", (id) => [
        "/api/chat/messages",
        as(eve, { method: "POST", body: { message: "Hi", runId: id } }),
      ]],
    ];
    for (const [name, route] of cases) {
      const stranger = await snapshot(await h.app.request(...route(runId)));
      const unknown = await snapshot(await h.app.request(...route(UNKNOWN)));
      assert.deepEqual(
        stranger,
        { ...unknown, body: unknown.body.replaceAll(UNKNOWN, runId) },
        name,
      );
      assert.ok(stranger.status !== 200 || stranger.body.includes("stream_lost"), name);
    }
    const conversationCases: [string, (id: string) => [string, ReturnType<typeof as>]][] = [
      ["conversation", (id) => [`/api/conversations/${id}`, as(eve)]],
      ["follow-up", (id) => [
        "/api/chat/messages",
        as(eve, { method: "POST", body: { conversationId: id, message: "Hi" } }),
      ]],
    ];
    for (const [name, route] of conversationCases) {
      const stranger = await snapshot(await h.app.request(...route(conversationId)));
      const unknown = await snapshot(await h.app.request(...route(UNKNOWN)));
      assert.deepEqual(stranger, unknown, name);
      assert.equal(stranger.status, 404, name);
    }
  } finally {
    h.close();
  }
});
