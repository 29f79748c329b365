/**
 * The cluster under faults: a real redis-server and three server processes (one with its wall
 * clock 7 s ahead, through libfaketime), all on 127.0.0.1. Redis is stalled (SIGSTOP) and killed
 * (SIGKILL) mid-run, an owner is killed mid-run and right after a run starts; every instance must
 * tell the same ending, the conversation must keep the partial reply, and Redis must hold no key
 * without an expiry but the durable records. Every wait is bounded; everything started is stopped.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { SequencedEvent } from "../../protocol/events.ts";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { chatText, instanceEnv, json, readUntil, seqs, slowReply } from "./cluster-rig.ts";
import { findFaketime, skewedClock } from "./faketime.ts";
import { type Instance, startInstance } from "./instance.ts";
import { findRedisServer, startRedis } from "./redis-process.ts";
import { type EventReader, openEvents } from "./sse.ts";

const LEASE_MS = 1500;
// Scheduling slack on two shared cores, on top of the lease, for a figure measured from outside.
const SLACK_MS = 300;
// Keys that are durable records: kept without expiry (RETENTION_DAYS unset).
const DURABLE = /^sw:(runlog:|conv:|access:|audit$)/;
const binary = await findRedisServer();
const faketime = binary && await findFaketime();
if (!binary) console.log("fault test skipped: redis-server could not be had");
else if (!faketime) console.log("fault test: libfaketime could not be had, skew step skipped");

interface Message {
  role: string;
  content: string;
  status: string;
  runId: string;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 25 ms until it gives a value; throws after `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Not within ${ms} ms: ${what}`);
    await wait(25);
  }
}

/** The saved reply of `runId` in its conversation, seen from `instance`, once there. */
function savedReply(instance: Instance, conversationId: string, runId: string) {
  return async () => {
    const response = await fetch(`${instance.origin}/api/conversations/${conversationId}`);
    if (response.status !== 200) return void await response.body?.cancel();
    const { messages } = await response.json() as { messages: Message[] };
    return messages.find((m) => m.role === "assistant" && m.runId === runId);
  };
}

/** Asserts that `events` end with the in-band stream_lost pair (seq 0). */
function assertLost(events: SequencedEvent[], who: string) {
  assert.deepEqual(events.slice(-2).map((e) => [e.type, e.seq]), [["error", 0], [
    "stream_done",
    0,
  ]], `${who} ends lost`);
  const error = events.at(-2);
  assert.equal(error?.type === "error" && error.metadata.error_code, "stream_lost", who);
}

const saveFailures = (instance: Instance) =>
  instance.logs.filter((line) => /"(run_save_failed|message_save_failed)"/.test(line));

Deno.test({
  name: "cluster under faults: one ending, no partial reply lost, no key left behind",
  ignore: !binary,
  // Subprocess pipes and Redis sockets outlive single steps by design.
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const redis = await startRedis(binary!);
  const fake = await startFakeOpenAi();
  const env = instanceEnv(redis.url, fake, LEASE_MS);
  const instances: Instance[] = await Promise.all([
    startInstance(env),
    startInstance(env),
    ...(faketime ? [startInstance({ ...env, ...skewedClock(faketime, "+7s") })] : []),
  ]);
  let [a] = instances;
  const [, b, ahead] = instances;
  const inspect = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const chat = async (on: Instance, ms: number) => {
    slowReply(fake, ms);
    return await (await fetch(`${on.origin}/api/chat/messages`, json({ message: "Go" }))).json();
  };
  const watch = (on: Instance, url: string) => openEvents(`${on.origin}${url}`);
  const firstChunks = (reader: EventReader) =>
    readUntil(reader, (e) => e.type === "content_chunk" && e.metadata.chunk_index === 4);
  try {
    await t.step({
      name: "a follower whose clock runs 7 s ahead loses no healthy run",
      ignore: !ahead,
      fn: async () => {
        const started = await chat(a, 2500);
        const viewers = await Promise.all([a, b, ahead].map((i) => watch(i, started.streamUrl)));
        const [onA, onB, onAhead] = await Promise.all(viewers.map((v) => v.rest()));
        const done = onA.at(-1);
        assert.equal(done?.type === "stream_done" && done.metadata.finish_reason, "stop");
        assert.deepEqual(onAhead, onA, "the skewed follower serves the whole run");
        assert.deepEqual(onB, onA);
        assert.ok(onA.length > 100, `${onA.length} events`);
      },
    });

    await t.step(
      "a Redis stall is told lost within the lease, with no false save failures",
      async () => {
        const started = await chat(a, 20_000);
        const viewers = [await watch(a, started.streamUrl), await watch(b, started.streamUrl)];
        const seen = await Promise.all(viewers.map(firstChunks));
        await redis.signal("SIGSTOP");
        const stalled = Date.now();
        let ends;
        try {
          ends = await Promise.all(viewers.map(async (viewer) => {
            const rest = await viewer.rest();
            return { rest, ms: Date.now() - stalled };
          }));
          // Longer than the command timeout (2 s), so that writes time out and are applied later.
          await wait(3000 - (Date.now() - stalled));
        } finally {
          await redis.signal("SIGCONT");
        }
        for (const [i, { rest, ms }] of ends.entries()) {
          assertLost(rest, ["owner", "follower"][i]);
          console.log(
            `Redis stalled: ${["owner", "follower"][i]}'s viewer told lost after ${ms} ms`,
          );
          assert.ok(ms <= LEASE_MS + SLACK_MS, `told lost after ${ms} ms (lease ${LEASE_MS} ms)`);
        }
        const reply = await eventually(
          savedReply(b, started.conversationId, started.runId),
          5000,
          "reply",
        );
        assert.equal(reply.status, "error");
        const follower = chatText([...seen[1], ...ends[1].rest]);
        assert.ok(reply.content.startsWith(follower), "the reply holds what the follower showed");
        await wait(LEASE_MS);
        assert.deepEqual([...saveFailures(a), ...saveFailures(b)], []);
      },
    );

    await t.step(
      "Redis killed mid-run: every instance tells one ending, the reply is saved",
      async () => {
        const started = await chat(a, 20_000);
        const viewers = [await watch(a, started.streamUrl), await watch(b, started.streamUrl)];
        const seen = await Promise.all(viewers.map(firstChunks));
        await redis.signal("SIGKILL");
        let shown;
        try {
          shown = await Promise.all(viewers.map(async (viewer, i) => {
            const rest = await viewer.rest();
            assertLost(rest, ["owner", "follower"][i]);
            return [...seen[i], ...rest];
          }));
        } finally {
          await redis.start();
        }
        const reply = await eventually(
          savedReply(b, started.conversationId, started.runId),
          5000,
          "reply",
        );
        assert.equal(reply.status, "error");
        const [owner, follower] = shown.map(chatText);
        assert.ok(owner.startsWith(reply.content), "the owner showed all the saved reply");
        assert.ok(reply.content.startsWith(follower), "the reply holds what the follower showed");
        const sizes = [owner, follower, reply.content].map((text) => text.length);
        console.log(
          `Redis killed: owner showed ${sizes[0]} chars, follower ${sizes[1]}, saved ${sizes[2]}`,
        );
        // Replayed alike by both instances: the saved text, then the same ending.
        const replays = await Promise.all(
          [a, b].map(async (i) => (await watch(i, started.streamUrl)).rest()),
        );
        assert.deepEqual(
          seqs(replays[1]).slice(0, -2),
          replays[1].slice(0, -2).map((_, i) => i + 1),
        );
        assert.equal(chatText(replays[1]), reply.content);
        assertLost(replays[1], "replay");
        assert.deepEqual(replays[0].slice(0, -2), replays[1].slice(0, -2));
      },
    );

    await t.step(
      "an owner SIGKILLed mid-chat: another instance saves the reply within the lease",
      async () => {
        const started = await chat(a, 20_000);
        const seen = chatText(await firstChunks(await watch(a, started.streamUrl)));
        await a.kill("SIGKILL");
        const killed = Date.now();
        const reply = await eventually(
          savedReply(b, started.conversationId, started.runId),
          5000,
          "reply",
        );
        const ms = Date.now() - killed;
        console.log(`owner SIGKILLed: partial reply saved by another instance ${ms} ms later`);
        assert.ok(ms <= LEASE_MS + SLACK_MS, `saved after ${ms} ms (lease ${LEASE_MS} ms)`);
        assert.equal(reply.status, "error");
        assert.ok(reply.content.startsWith(seen), "the reply holds what the owner's viewer saw");
        assert.equal(await inspect.hget(`sw:run:${started.runId}`, "status"), "lost");
        assert.equal(await inspect.pttl(`sw:runlog:${started.runId}`), -1, "its log is durable");
      },
    );

    await t.step(
      "an instance killed right after a run starts leaves no key without expiry",
      async () => {
        await a.kill();
        a = instances[0] = await startInstance(env);
        const started = await chat(a, 20_000);
        await a.kill("SIGKILL");
        // From the moment it is created: nothing has run since the kill.
        const lasting: string[] = [];
        let cursor = "0";
        do {
          const [next, keys] = await inspect.scan(cursor, "MATCH", "sw:*", "COUNT", 1000);
          cursor = next;
          for (const key of keys) if (await inspect.pttl(key) === -1) lasting.push(key);
        } while (cursor !== "0");
        assert.deepEqual(lasting.filter((key) => !DURABLE.test(key)), []);
        assert.ok(await inspect.pttl(`sw:run:${started.runId}:events`) > 0, "its stream expires");
        // And the dead run, which nobody watches, is ended by another instance all the same.
        await eventually(savedReply(b, started.conversationId, started.runId), 5000, "reply");
      },
    );
  } finally {
    inspect.disconnect();
    await Promise.all(instances.map((i) => i.kill()));
    await fake.close();
    await redis.close();
  }
});
