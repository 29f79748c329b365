/**
 * Auth on a cluster of two instances over Redis: ownership, observers, presence, tickets, the
 * audit trail and cancel decided the same on the instance that started a run and on the other.
 * Skipped, with a message, only when redis-server cannot be had.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { type FakeOpenAi, startFakeOpenAi } from "../support/fake-openai.ts";
import { hsToken, TEST_SECRET } from "../support/tokens.ts";
import { type Instance, startInstance } from "./instance.ts";
import { findRedisServer, startRedis } from "./redis-process.ts";
import { openEvents } from "./sse.ts";
import { instanceEnv } from "./cluster-rig.ts";

const binary = await findRedisServer();
if (!binary) {
  console.log(
    "auth cluster test skipped: redis-server is not installed and could not be installed",
  );
}

const token = (sub: string, claims: Record<string, unknown> = {}) =>
  hsToken({ sub, exp: Math.floor(Date.now() / 1000) + 3600, ...claims });
const bearer = (value: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: {
    authorization: `Bearer ${value}`,
    ...(init.method === "POST" ? { "content-type": "application/json" } : {}),
  },
});

function slowReply(fake: FakeOpenAi) {
  fake.enqueue({ content: "Steady words for the test. ".repeat(60), chunkSize: 3, delayMs: 5 });
}

Deno.test({
  name: "auth on a cluster: every instance decides the same",
  ignore: !binary,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const redis = await startRedis(binary!);
  const fake = await startFakeOpenAi();
  const env = { ...instanceEnv(redis.url, fake, 1500), AUTH_JWT_SECRET: TEST_SECRET };
  const [a, b]: Instance[] = await Promise.all([startInstance(env), startInstance(env)]);
  const ada = await token("dr-ada", { name: "Dr Ada" });
  const bo = await token("dr-bo", { name: "Dr Bo" });
  const cy = await token("cy-audit", { roles: ["auditor"] });
  const eve = await token("dr-eve");
  try {
    slowReply(fake);
    const started = await fetch(
      `${a.origin}/api/chat/messages`,
      bearer(ada, { method: "POST", body: JSON.stringify({ message: "Potassium?" }) }),
    );
    const { runId, conversationId } = await started.json();
    const owner = await openEvents(`${a.origin}/api/runs/${runId}/stream`, bearer(ada));

    await t.step("a stranger gets stream_lost and 404 on both instances", async () => {
      for (const instance of [a, b]) {
        const lost = await openEvents(`${instance.origin}/api/runs/${runId}/stream`, bearer(eve));
        const events = [await lost.next(), await lost.next()] as SequencedEvent[];
        assert.deepEqual(events.map((e) => e?.type), ["error", "stream_done"]);
        assert.equal(await lost.next(), undefined);
        const probe = await fetch(`${instance.origin}/api/runs/${runId}`, bearer(eve));
        assert.equal(probe.status, 404);
        await probe.body?.cancel();
        const talk = await fetch(
          `${instance.origin}/api/conversations/${conversationId}`,
          bearer(eve),
        );
        assert.equal(talk.status, 404);
        await talk.body?.cancel();
      }
    });

    await t.step("a grant on one instance lets the observer watch on the other", async () => {
      const grant = await fetch(
        `${a.origin}/api/runs/${runId}/observers`,
        bearer(ada, { method: "POST", body: JSON.stringify({ sub: "dr-bo" }) }),
      );
      assert.equal(grant.status, 204);
      const observer = await openEvents(`${b.origin}/api/runs/${runId}/stream`, bearer(bo));
      assert.equal((await observer.next())?.type, "run_start");
      const viewers = async (instance: Instance) =>
        (await (await fetch(`${instance.origin}/api/runs/${runId}/viewers`, bearer(bo))).json())
          .viewers.map((v: { sub: string; role: string }) => [v.sub, v.role]);
      // Presence written by each instance, read from either.
      for (const instance of [a, b]) {
        assert.deepEqual(await viewers(instance), [["dr-ada", "owner"], ["dr-bo", "observer"]]);
      }
      const refused = await fetch(
        `${b.origin}/api/runs/${runId}/cancel`,
        bearer(bo, { method: "POST" }),
      );
      assert.equal(refused.status, 403);
      await refused.body?.cancel();
      const talk = await fetch(`${b.origin}/api/conversations/${conversationId}`, bearer(bo));
      assert.equal(talk.status, 200);
      await talk.body?.cancel();
      await observer.cancel();
    });

    await t.step("a ticket from one instance opens the stream once on the other", async () => {
      const issued = await fetch(
        `${a.origin}/api/stream-tickets`,
        bearer(bo, { method: "POST", body: JSON.stringify({ runId }) }),
      );
      const { ticket } = await issued.json();
      const first = await openEvents(`${b.origin}/api/runs/${runId}/stream?ticket=${ticket}`);
      assert.equal((await first.next())?.type, "run_start");
      await first.cancel();
      const again = await fetch(`${a.origin}/api/runs/${runId}/stream?ticket=${ticket}`);
      assert.equal(again.status, 401);
      await again.body?.cancel();
    });

    await t.step("the owner cancels from the other instance; the audit has both", async () => {
      const cancel = await fetch(
        `${b.origin}/api/runs/${runId}/cancel`,
        bearer(ada, { method: "POST" }),
      );
      assert.deepEqual(await cancel.json(), { status: "cancelled" });
      const rest = await owner.rest();
      assert.equal(rest.at(-1)?.type, "stream_done");
      const audit = await fetch(`${b.origin}/api/audit?runId=${runId}`, bearer(cy));
      const entries = (await audit.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
      const seen = new Set(entries.map((e) => `${e.sub}:${e.action}:${e.outcome}`));
      for (
        const expected of [
          "dr-ada:message:allowed",
          "dr-eve:attach:not_found",
          "dr-ada:grant:allowed",
          "dr-bo:cancel:forbidden",
          "dr-ada:cancel:allowed",
        ]
      ) assert.ok(seen.has(expected), expected);
    });
  } finally {
    await Promise.all([a.kill(), b.kill()]);
    await fake.close();
    await redis.close();
  }
});
