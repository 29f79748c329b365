/**
 * The cluster test: a real redis-server, two server processes on it, and an alternating proxy in
 * front, proving that any instance serves resume, fan-out, cancel and conversations of a run
 * another instance produces, that a dead instance's runs end in `stream_lost`, and that a Redis
 * restart is survived. Requests go through the proxy where any instance will do, and straight
 * to an instance where the test needs a particular one (the owner, or the other). Skipped, with
 * a message, only when redis-server cannot be had.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { startAlternatingProxy } from "./alternating-proxy.ts";
import { instanceEnv, json, readUntil, seqs, slowReply } from "./cluster-rig.ts";
import { type Instance, startInstance } from "./instance.ts";
import { findRedisServer, startRedis } from "./redis-process.ts";
import { openEvents } from "./sse.ts";

const LEASE_MS = 1500;
const binary = await findRedisServer();
if (!binary) {
  console.log("cluster test skipped: redis-server is not installed and could not be installed");
}

Deno.test({
  name: "cluster of two instances on Redis behaves as one server",
  ignore: !binary,
  // Subprocess pipes and Redis sockets outlive single steps by design.
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const redis = await startRedis(binary!);
  const fake = await startFakeOpenAi();
  const env = instanceEnv(redis.url, fake, LEASE_MS);
  const instances: Instance[] = await Promise.all([startInstance(env), startInstance(env)]);
  const [a, b] = instances;
  const proxy = await startAlternatingProxy(instances.map((i) => i.origin));
  try {
    await t.step("health reports Redis storage, reachable, on both instances", async () => {
      for (const instance of instances) {
        const response = await fetch(`${instance.origin}/api/health`);
        const body = await response.json();
        assert.equal(response.status, 200);
        assert.equal(body.storage, "redis");
        assert.equal(body.redis, "reachable");
      }
    });

    await t.step(
      "a workflow started on one instance resumes on the other from any cursor",
      async () => {
        for (let i = 0; i < 8; i++) {
          fake.enqueue({ content: "Word ".repeat(40), chunkSize: 3, delayMs: 3 });
        }
        const path = "/api/cases/chest-pain-acs/workflow/start/stream";
        const first = await openEvents(`${proxy.origin}${path}`);
        const head = await readUntil(first, (e) => e.seq === 6);
        const runId = head[0].runId;
        const starter = first.headers.get("x-upstream");
        // Live resumes, each on the instance the proxy picks next (they alternate).
        const live = [];
        for (const cursor of [6, 2, 0]) {
          const reader = await openEvents(`${proxy.origin}${path}`, {
            headers: { "last-event-id": `${runId}.${cursor}` },
          });
          live.push({ cursor, reader, upstream: reader.headers.get("x-upstream") });
        }
        assert.ok(
          live.some((r) => r.upstream !== starter),
          "some resume served by the other instance",
        );
        const full = [...head, ...await first.rest()];
        assert.equal(full.at(-1)?.type, "stream_done");
        assert.deepEqual(
          seqs(full),
          full.map((_, i) => i + 1),
        );
        for (const { cursor, reader } of live) {
          assert.deepEqual(await reader.rest(), full.slice(cursor), `live resume after ${cursor}`);
        }
        // Finished: replayed by both instances from the shared log.
        for (const cursor of [1, 17, full.length - 1, full.length]) {
          for (const instance of instances) {
            const reader = await openEvents(`${instance.origin}/api/runs/${runId}/stream`, {
              headers: { "last-event-id": `${runId}.${cursor}` },
            });
            assert.deepEqual(await reader.rest(), full.slice(cursor), `replay after ${cursor}`);
          }
        }
      },
    );

    await t.step("two viewers on different instances receive identical sequences", async () => {
      slowReply(fake, 400);
      const started = await (await fetch(
        `${proxy.origin}/api/chat/messages`,
        json({
          message: "Hi",
        }),
      )).json();
      // Two requests in a row through the proxy land on the two instances.
      const viewers = [
        await openEvents(`${proxy.origin}${started.streamUrl}`),
        await openEvents(`${proxy.origin}${started.streamUrl}`),
      ];
      assert.notEqual(viewers[0].headers.get("x-upstream"), viewers[1].headers.get("x-upstream"));
      const [onA, onB] = await Promise.all(viewers.map((v) => v.rest()));
      assert.equal(onA.at(-1)?.type, "stream_done");
      assert.ok(onA.filter((e) => e.type === "content_chunk").length > 20);
      assert.deepEqual(onB, onA);
    });

    await t.step(
      "a cancel sent to the other instance aborts the upstream within 250 ms",
      async () => {
        slowReply(fake, 10_000);
        const started =
          await (await fetch(`${a.origin}/api/chat/messages`, json({ message: "Go" })))
            .json();
        const viewer = await openEvents(`${b.origin}${started.streamUrl}`);
        await readUntil(viewer, (e) => e.type === "content_chunk");
        const upstream = fake.requests.at(-1)!;
        const sent = Date.now();
        const response = await fetch(`${b.origin}${started.cancelUrl}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
        });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { status: "cancelled" });
        const rest = await viewer.rest();
        const done = rest.at(-1);
        assert.equal(done?.type === "stream_done" && done.metadata.finish_reason, "cancelled");
        const deadline = Date.now() + 1000;
        while (!upstream.aborted && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.ok(upstream.aborted, "upstream request aborted");
        const ms = upstream.abortedAt! - sent;
        assert.ok(ms < 250, `upstream aborted after ${ms} ms`);
        console.log(`cross-instance cancel reached the upstream in ${ms} ms`);
        const again = await fetch(`${a.origin}${started.cancelUrl}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
        });
        assert.equal(again.status, 409);
      },
    );

    let conversationId = "";
    await t.step("a conversation continued on the other instance keeps its history", async () => {
      fake.enqueue({ content: "First answer." });
      const one = await (await fetch(`${a.origin}/api/chat`, json({ message: "First question" })))
        .json();
      conversationId = one.conversationId;
      fake.enqueue({ content: "Second answer." });
      const two = await fetch(
        `${b.origin}/api/chat`,
        json({ conversationId, message: "Second question" }),
      );
      assert.equal(two.status, 200);
      const sent = fake.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
      const turns = sent.messages.filter((m) => m.role !== "system").map((m) => m.content);
      assert.deepEqual(turns.slice(-3), ["First question", "First answer.", "Second question"]);
      for (const instance of instances) {
        const conversation = await (await fetch(
          `${instance.origin}/api/conversations/${conversationId}`,
        )).json();
        assert.deepEqual(
          conversation.messages.map((m: { content: string }) => m.content),
          ["First question", "First answer.", "Second question", "Second answer."],
        );
      }
    });

    await t.step("a Redis restart during idle gives 503s, then the service recovers", async () => {
      await redis.stop();
      for (const instance of instances) {
        const started = Date.now();
        const health = await fetch(`${instance.origin}/api/health`);
        assert.equal(health.status, 503);
        assert.equal((await health.json()).redis, "unreachable");
        const chat = await fetch(`${instance.origin}/api/chat/messages`, json({ message: "Hi" }));
        assert.equal(chat.status, 503);
        assert.equal((await chat.json()).error.code, "upstream_unavailable");
        assert.ok(Date.now() - started < 5000, "answered without hanging");
      }
      await redis.start();
      for (const instance of instances) {
        const deadline = Date.now() + 10_000;
        while ((await fetch(`${instance.origin}/api/health`)).status !== 200) {
          assert.ok(Date.now() < deadline, "health recovers");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      const kept = await (await fetch(`${proxy.origin}/api/conversations/${conversationId}`))
        .json();
      assert.equal(kept.messages.length, 4, "conversation survived the restart (AOF)");
      slowReply(fake, 300);
      const started = await (await fetch(`${a.origin}/api/chat/messages`, json({ message: "Hi" })))
        .json();
      const events = await (await openEvents(`${b.origin}${started.streamUrl}`)).rest();
      const done = events.at(-1);
      assert.equal(done?.type === "stream_done" && done.metadata.finish_reason, "stop");
      // Cancels travel again: the subscriber reconnected.
      slowReply(fake, 10_000);
      const next = await (await fetch(`${a.origin}/api/chat/messages`, json({ message: "Go" })))
        .json();
      const viewer = await openEvents(`${b.origin}${next.streamUrl}`);
      await readUntil(viewer, (e) => e.type === "content_chunk");
      const cancel = await fetch(`${b.origin}${next.cancelUrl}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      assert.equal(cancel.status, 200);
      await viewer.rest();
    });

    await t.step(
      "SIGKILL of the running instance gives viewers elsewhere stream_lost",
      async () => {
        slowReply(fake, 20_000);
        const started =
          await (await fetch(`${a.origin}/api/chat/messages`, json({ message: "Go" })))
            .json();
        const viewer = await openEvents(`${b.origin}${started.streamUrl}`);
        const before = await readUntil(
          viewer,
          (e) => e.type === "content_chunk" && e.metadata.chunk_index === 4,
        );
        await a.kill("SIGKILL");
        const killed = Date.now();
        const after = await viewer.rest();
        const ms = Date.now() - killed;
        const tail = after.slice(-2);
        assert.equal(tail[0]?.type === "error" && tail[0].metadata.error_code, "stream_lost");
        assert.equal(tail[1]?.type === "stream_done" && tail[1].metadata.finish_reason, "error");
        assert.deepEqual(
          tail.map((e) => e.seq),
          [0, 0],
        );
        assert.ok(ms <= LEASE_MS + 200, `stream_lost after ${ms} ms (lease ${LEASE_MS} ms)`);
        console.log(`stream_lost reached the other instance's viewer ${ms} ms after SIGKILL`);
        const kept = [...before, ...after.slice(0, -2)];
        assert.deepEqual(seqs(kept), kept.map((_, i) => i + 1), "partial log kept, no gap");
        // A later resume on the survivor replays the partial log and the same ending.
        const resumed = await (await openEvents(`${b.origin}${started.streamUrl}`, {
          headers: { "last-event-id": `${started.runId}.2` },
        })).rest();
        assert.deepEqual(resumed.slice(0, -2), kept.slice(2));
        assert.deepEqual(resumed.slice(-2).map((e) => [e.seq, e.type]), [
          [0, "error"],
          [0, "stream_done"],
        ]);
      },
    );
  } finally {
    await proxy.close();
    await Promise.all(instances.map((i) => i.kill()));
    await fake.close();
    await redis.close();
  }
});
