/**
 * Two users on every route, auth on: the owner acts, an observer and an auditor read, a stranger
 * sees nothing, and requests without a valid token answer 401 with `WWW-Authenticate: Bearer`.
 */
import assert from "node:assert/strict";
import { hsToken, noneToken, NOW_S } from "../support/tokens.ts";
import { readEvents } from "./harness.ts";
import { as, AUDIENCE, authApp, ISSUER, people, tokenFor } from "./auth-rig.ts";

const STAGE = "/api/cases/aki-nsaids/workflow/stages/initial/stream";

Deno.test("auth: every API route but health needs a valid bearer token", async () => {
  const h = authApp();
  try {
    const health = await h.app.request("/api/health");
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const bad = {
      none: undefined,
      malformed: "Basic abc",
      expired: `Bearer ${await tokenFor("dr-ada", { exp: NOW_S - 31 })}`,
      notYetValid: `Bearer ${await tokenFor("dr-ada", { nbf: NOW_S + 31 })}`,
      wrongIssuer: `Bearer ${await tokenFor("dr-ada", { iss: "https://evil.test" })}`,
      wrongAudience: `Bearer ${await tokenFor("dr-ada", { aud: "other" })}`,
      algNone: `Bearer ${noneToken({ sub: "dr-ada", iss: ISSUER, aud: AUDIENCE })}`,
      wrongKey: `Bearer ${await hsToken(
        { sub: "dr-ada", iss: ISSUER, aud: AUDIENCE },
        "a-different-secret-of-32-bytes!!",
      )}`,
    };
    const routes = [
      ["GET", "/api/cases"],
      ["GET", STAGE],
      ["GET", "/api/runs/AAAAAAAAAAAAAAAAAAAAAA"],
      ["GET", "/api/runs/AAAAAAAAAAAAAAAAAAAAAA/stream"],
      ["POST", "/api/runs/AAAAAAAAAAAAAAAAAAAAAA/cancel"],
      ["POST", "/api/chat/messages"],
      ["GET", "/api/conversations/AAAAAAAAAAAAAAAAAAAAAA"],
      ["GET", "/api/audit"],
      ["POST", "/api/stream-tickets"],
    ];
    for (const [name, authorization] of Object.entries(bad)) {
      for (const [method, path] of routes) {
        const response = await h.app.request(path, {
          method,
          headers: {
            ...(authorization === undefined ? {} : { authorization }),
            ...(method === "POST" ? { "content-type": "application/json" } : {}),
          },
        });
        assert.equal(response.status, 401, `${name} ${method} ${path}`);
        assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
        assert.deepEqual(await response.json(), {
          error: { code: "unauthorized", message: "Sign-in required" },
        });
      }
    }
    const denied = await h.app.context.auth.storage.audit.query({}, 1000);
    assert.equal(denied.length, Object.keys(bad).length * routes.length);
    assert.ok(denied.every((e) => e.action === "deny" && e.outcome === "unauthorized"));
  } finally {
    h.close();
  }
});

Deno.test("auth: owner, observer, auditor and stranger on a workflow run's routes", async () => {
  const h = authApp();
  const { ada, bo, cy, eve } = await people();
  const request = (path: string, token?: string, init: { method?: string; body?: unknown } = {}) =>
    h.app.request(path, as(token, init));
  try {
    const events = await readEvents(await request(STAGE, ada));
    const runId = events[0].runId;
    const runPath = `/api/runs/${runId}`;

    const probe = async (token: string) => {
      const response = await request(runPath, token);
      return [response.status, (await response.json()).access];
    };
    assert.deepEqual(await probe(ada), [200, "owner"]);
    assert.deepEqual(await probe(cy), [200, "auditor"]);
    assert.deepEqual(await probe(bo), [404, undefined]);
    assert.deepEqual(await probe(eve), [404, undefined]);

    // Only the owner grants; a stranger's grant is answered as for an unknown run.
    const grant = (token: string) =>
      request(`${runPath}/observers`, token, { method: "POST", body: { sub: "dr-bo" } });
    assert.equal((await grant(eve)).status, 404);
    assert.equal((await grant(cy)).status, 403);
    assert.equal((await grant(ada)).status, 204);
    assert.deepEqual(await probe(bo), [200, "observer"]);
    assert.deepEqual(await probe(eve), [404, undefined]);

    for (const token of [ada, bo, cy]) {
      assert.deepEqual(await readEvents(await request(`${runPath}/stream`, token)), events);
      const resumed = await request(`${runPath}/stream`, token);
      assert.equal(resumed.status, 200);
      await resumed.body?.cancel();
      const result = await request(`${runPath}/result`, token);
      assert.equal(result.status, 200);
      assert.equal((await result.json()).runId, runId);
      const polled = await request(`${runPath}/events?after=${runId}.2`, token);
      assert.deepEqual((await polled.json()).events, events.slice(2));
      assert.equal((await request(`${runPath}/viewers`, token)).status, 200);
    }
    const lost = await readEvents(await request(`${runPath}/stream`, eve));
    assert.deepEqual(lost.map((e) => [e.type, e.seq]), [["error", 0], ["stream_done", 0]]);
    assert.equal((await request(`${runPath}/result`, eve)).status, 404);
    assert.equal((await request(`${runPath}/events`, eve)).status, 404);
    assert.equal((await request(`${runPath}/viewers`, eve)).status, 404);

    const cancel = (token: string) => request(`${runPath}/cancel`, token, { method: "POST" });
    const forbidden = await cancel(bo);
    assert.equal(forbidden.status, 403);
    assert.equal((await forbidden.json()).error.code, "forbidden");
    assert.equal((await cancel(cy)).status, 403);
    assert.deepEqual([(await cancel(eve)).status], [404]);
    assert.equal((await cancel(ada)).status, 409);
  } finally {
    h.close();
  }
});

Deno.test("auth: conversations are the owner's; observers read them and cannot post", async () => {
  const h = authApp();
  const { ada, bo, cy, eve } = await people();
  const request = (path: string, token?: string, init: { method?: string; body?: unknown } = {}) =>
    h.app.request(path, as(token, init));
  try {
    const started = await request("/api/chat/messages", ada, {
      method: "POST",
      body: { message: "Potassium?" },
    });
    const { conversationId, runId } = await started.json();
    await readEvents(await request(`/api/runs/${runId}/stream`, ada));
    const conversation = `/api/conversations/${conversationId}`;
    const followUp = (token: string) =>
      request("/api/chat/messages", token, {
        method: "POST",
        body: { conversationId, message: "And sodium?" },
      });

    assert.equal((await request(conversation, ada)).status, 200);
    assert.equal((await request(conversation, cy)).status, 200);
    assert.equal((await request(conversation, bo)).status, 404);
    assert.equal((await request(conversation, eve)).status, 404);
    assert.equal((await followUp(eve)).status, 404);

    await request(`/api/runs/${runId}/observers`, ada, { method: "POST", body: { sub: "dr-bo" } });
    const read = await request(conversation, bo);
    assert.equal(read.status, 200);
    assert.equal((await read.json()).messages.length, 2);
    assert.equal((await followUp(bo)).status, 403);
    assert.equal((await followUp(cy)).status, 403);
    assert.equal((await request(conversation, eve)).status, 404);

    const next = await followUp(ada);
    assert.equal(next.status, 201);
    // The observer of the conversation follows its next run too.
    const nextRun = (await next.json()).runId;
    assert.equal((await request(`/api/runs/${nextRun}`, bo)).status, 200);
    assert.equal((await request(`/api/runs/${nextRun}`, eve)).status, 404);

    // Chat about a run is for its readers only.
    const workflow = await readEvents(await request(STAGE, ada));
    const about = (token: string) =>
      request("/api/chat/messages", token, {
        method: "POST",
        body: { message: "Summarise", runId: workflow[0].runId },
      });
    assert.equal((await about(eve)).status, 404);
    assert.equal((await about(ada)).status, 201);
  } finally {
    h.close();
  }
});

Deno.test("auth: the audit trail is for auditors and holds ids and outcomes, no content", async () => {
  const h = authApp();
  const { ada, cy, eve } = await people();
  try {
    const events = await readEvents(await h.app.request(STAGE, as(ada)));
    const runId = events[0].runId;
    await h.app.request(`/api/runs/${runId}`, as(eve));
    const refused = await h.app.request("/api/audit", as(ada));
    assert.equal(refused.status, 403);
    const bad = await h.app.request("/api/audit?since=yesterday", as(cy));
    assert.equal(bad.status, 400);
    const response = await h.app.request(`/api/audit?runId=${runId}`, as(cy));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
    const text = await response.text();
    const entries = text.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(
      entries.map((e) => [e.sub, e.action, e.outcome]),
      [["dr-ada", "start", "allowed"], ["dr-eve", "read", "not_found"]],
    );
    assert.deepEqual(Object.keys(entries[0]).sort(), [
      "action",
      "caseId",
      "ip",
      "outcome",
      "runId",
      "sub",
      "ts",
    ]);
    const words = events.filter((e) => e.type === "content_chunk").map((e) => e.content.trim());
    assert.ok(words.every((word) => word.length < 4 || !text.includes(word)), "no content");
    const bySub = await h.app.request(`/api/audit?sub=dr-eve&since=${NOW_S * 1000}`, as(cy));
    assert.equal((await bySub.text()).trimEnd().split("\n").length, 1);
  } finally {
    h.close();
  }
});

Deno.test("auth: the rate limit counts per signed-in user, not per address", async () => {
  const h = authApp({ config: { rateLimitPerMin: 1 } });
  const { ada, bo } = await people();
  const start = (token: string) =>
    h.app.request("/api/chat/messages", as(token, { method: "POST", body: { message: "Hi" } }));
  try {
    assert.equal((await start(ada)).status, 201);
    assert.equal((await start(ada)).status, 429);
    assert.equal((await start(bo)).status, 201);
  } finally {
    h.close();
  }
});
