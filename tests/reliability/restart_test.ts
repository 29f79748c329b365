/**
 * Server restart: SIGKILL the server process mid-run and start it again on the same
 * DATA_DIR. The client keeps what it had, reconnects, and gets either the rest of the log or an
 * in-band `stream_lost`; no run is silently restarted (the model gets no new request), and a run
 * that finished before the kill still replays exactly from the database.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../support/fake-openai.ts";
import { followStream, seqProblem } from "../support/sse-client.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { backoffDelay } from "../../widgets/connection/backoff.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { CHECKPOINT_MS } from "../../server/runs/checkpoints.ts";
import { assertLogsClean, spawnServer, until } from "./harness.ts";

const API_KEY = "sk-test-Rk2V9restartSecretKey";
const PROMPT = "Restart prompt Zebra-4471: is the troponin rise significant?";
const ANSWER = "Restart answer Quokka-9912 about the troponin.";
const ANALYSIS = "Restart analysis Narwhal-3318 ".repeat(60);

Deno.test("restart: a run lost to SIGKILL ends in stream_lost with its partial text kept and no new model call", async () => {
  const fake = await startFakeOpenAi();
  const dataDir = await Deno.makeTempDir({ prefix: "reliability-restart-" });
  const env = {
    DATA_DIR: dataDir,
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: API_KEY,
    LLM_MODEL: "fake-model",
    RATE_LIMIT_PER_MIN: "1000",
  };
  const first = await spawnServer(env);
  const proxy = startTcpProxy({ hostname: "127.0.0.1", port: first.port });
  let second: Awaited<ReturnType<typeof spawnServer>> | undefined;
  try {
    // A chat run that finishes before the kill: saved, so it must replay after the restart.
    fake.enqueue({ content: ANSWER, reasoning: "Restart reasoning Axolotl-5521." });
    const chat = await fetch(`${first.origin}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: PROMPT }),
    }).then((r) => r.json());
    const finished = await followStream(`${first.origin}/api/runs/${chat.runId}/stream`);
    assert.equal(finished.finished, true);

    // A workflow whose first analysis streams slowly: the kill lands in the middle of it.
    fake.enqueue({ content: ANALYSIS, chunkSize: 3, delayMs: 4 });
    const following = followStream(
      `${proxy.origin}/api/cases/chest-pain-acs/workflow/start/stream`,
      {
        deadlineMs: 40_000,
        delay: (attempt, floorMs) =>
          backoffDelay(attempt, { baseMs: 200, maxMs: 1000, floorMs, random: Math.random }),
      },
    );
    await until(
      () => (proxy.connections[0]?.bytesToClient ?? 0) > 8_000,
      15_000,
      "8 KB of the workflow",
    );
    await first.kill("SIGKILL");
    const requestsAtKill = fake.requests.length;

    second = await spawnServer(env);
    proxy.retarget({ hostname: "127.0.0.1", port: second.port });
    const transcript = await following;

    assert.equal(transcript.finished, true);
    assert.ok(transcript.connections.length >= 2, "The client never reconnected");
    const positive = transcript.events.filter((e) => e.seq > 0);
    assert.equal(seqProblem(positive), undefined);
    const chunks = positive.filter((e) => e.type === "content_chunk");
    assert.ok(chunks.length > 20, `Only ${chunks.length} chunks before the kill`);
    assert.ok(
      ANALYSIS.startsWith(chunks.map((e) => e.content).join("")),
      "Partial text is not a prefix of the analysis",
    );
    const tail = transcript.events.slice(-2);
    const lost = tail.every((e) => e.seq === 0) && tail[0].type === "error" &&
      tail[0].metadata.error_code === "stream_lost" && tail[1].type === "stream_done";
    const endedInLog = tail[1].type === "stream_done" && tail[1].seq > 0 &&
      tail[1].metadata.finish_reason === "error";
    assert.ok(
      lost || endedInLog,
      `Unexpected ending: ${JSON.stringify(tail.map((e) => [e.type, e.seq]))}`,
    );

    // Nothing restarts the lost run: no model request, no live run under its id.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      fake.requests.length,
      requestsAtKill,
      "The restarted server called the model again",
    );
    const probe = await fetch(`${second.origin}/api/runs/${positive[0].runId}`);
    const status = probe.status === 200
      ? (await probe.json()).status
      : (await probe.body?.cancel(), probe.status);
    // Checkpointed from its first event: the probe knows the run and that it ended in error.
    assert.equal(status, "error");

    // The finished run replays from the database, byte for byte the same events.
    const replay = await followStream(`${second.origin}/api/runs/${chat.runId}/stream`);
    assert.deepEqual(replay.events, finished.events);

    const logs = [...first.output, ...second.output];
    assertLogsClean(logs, [
      API_KEY,
      PROMPT,
      "Zebra-4471",
      "Quokka-9912",
      "Axolotl-5521",
      "Narwhal-3318",
      "Daniel Marsh",
    ]);
    console.log(
      `restart: ${positive.length} events kept, ended by ${lost ? "stream_lost" : "the log"}, ` +
        `${transcript.connections.length} connections, ${fake.requests.length} model requests`,
    );
  } finally {
    await proxy.close();
    await first.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await fake.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("restart: a chat reply cut by SIGKILL is kept in its conversation with status error", async () => {
  const fake = await startFakeOpenAi();
  const dataDir = await Deno.makeTempDir({ prefix: "reliability-crash-" });
  const reply = "Crash reply Pangolin-2207 about the potassium. ".repeat(80);
  const env = {
    DATA_DIR: dataDir,
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: API_KEY,
    LLM_MODEL: "fake-model",
  };
  const first = await spawnServer(env);
  let second: Awaited<ReturnType<typeof spawnServer>> | undefined;
  try {
    fake.enqueue({ content: reply, chunkSize: 3, delayMs: 4 });
    const started = await fetch(`${first.origin}/api/chat/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: PROMPT }),
    }).then((r) => r.json());
    const response = await fetch(`${first.origin}${started.streamUrl}`);
    const decoder = createSseDecoder();
    let shown = "";
    let lastSeq = 0;
    const reading = (async () => {
      try {
        for await (const bytes of response.body!) {
          for (const message of decoder.push(bytes)) {
            const parsed = parseEvent(message.data);
            if (!parsed.ok || parsed.event.type === "heartbeat") continue;
            lastSeq = parsed.event.seq;
            if (parsed.event.type === "content_chunk") shown += parsed.event.content;
          }
        }
      } catch {
        // The kill cuts the connection.
      }
    })();
    await until(() => shown.length > 200, 15_000, "200 characters shown");
    // What was on screen one checkpoint interval before the kill is on disk at the kill.
    const before = shown;
    await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_MS + 300));
    await first.kill("SIGKILL");
    await reading;
    assert.ok(shown.length < reply.length, "The reply finished before the kill");

    second = await spawnServer(env);
    const conversation = await fetch(`${second.origin}/api/conversations/${started.conversationId}`)
      .then((r) => r.json());
    const saved = conversation.messages.find((m: { role: string }) => m.role === "assistant");
    assert.equal(saved?.status, "error");
    assert.ok(saved.content.startsWith(before), "The checkpoint lost text shown a second before");
    assert.ok(reply.startsWith(saved.content), "The saved reply is not the reply's beginning");
    const probe = await fetch(`${second.origin}/api/runs/${started.runId}`).then((r) => r.json());
    assert.deepEqual([probe.status, probe.error.code], ["error", "stream_lost"]);
    const resumed = await followStream(`${second.origin}${started.streamUrl}`, {
      headers: { "last-event-id": `${started.runId}.${lastSeq}` },
    });
    assert.deepEqual(
      resumed.events.map((e) => [e.type, e.seq]),
      [["error", 0], ["stream_done", 0]],
    );
    assertLogsClean([...first.output, ...second.output], [API_KEY, PROMPT, "Pangolin-2207"]);
    console.log(
      `crash: ${shown.length} characters shown, ${saved.content.length} saved, ` +
        `${before.length} shown ${CHECKPOINT_MS} ms before the kill`,
    );
  } finally {
    await first.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await fake.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
