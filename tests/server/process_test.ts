/** The server as a process: start-up line, config errors, SIGTERM and what reaches its logs. */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { makeApp, panelText, readEvents, scriptProvider, suiteLog } from "./harness.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DENO = Deno.execPath();

/** A server child process with its output collected. */
async function spawnServer(env: Record<string, string>) {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", `${ROOT}server/main.ts`],
    cwd: ROOT,
    env: { PORT: "0", DATA_DIR: ":memory:", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const stdoutDone = (async () => {
    for await (const chunk of child.stdout) stdout += decoder.decode(chunk);
  })();
  const stderrDone = (async () => {
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk);
  })();
  const deadline = Date.now() + 20_000;
  while (!/LISTENING (http:\/\/\S+)/.test(stdout)) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`No LISTENING line: ${stderr}`);
    }
    const status = await Promise.race([
      child.status,
      new Promise((r) => setTimeout(() => r(undefined), 20)),
    ]);
    if (status) break;
  }
  const origin = /LISTENING (http:\/\/\S+)/.exec(stdout)?.[1];
  return {
    child,
    origin,
    output: async () => {
      const status = await child.status;
      await stdoutDone;
      await stderrDone;
      return { status, stdout, stderr };
    },
  };
}

Deno.test("main prints one clear line naming a bad variable and exits 1", async () => {
  const server = await spawnServer({ HEARTBEAT_MS: "soon" });
  const { status, stderr, stdout } = await server.output();
  assert.equal(status.code, 1);
  assert.equal(stdout, "");
  assert.equal(stderr.trim(), 'Invalid HEARTBEAT_MS: "soon"');
});

Deno.test("main prints one line for a DATA_DIR that cannot hold the database and exits 1", async () => {
  const file = await Deno.makeTempFile();
  try {
    const server = await spawnServer({ DATA_DIR: file });
    const { status, stderr, stdout } = await server.output();
    assert.equal(status.code, 1);
    assert.equal(stdout, "");
    assert.equal(stderr.trim(), `Invalid DATA_DIR: "${file}" (cannot open the database)`);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("main prints one line for a port in use and exits 1", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const server = await spawnServer({ PORT: String(port) });
    const { status, stderr, stdout } = await server.output();
    assert.equal(status.code, 1);
    assert.equal(stdout, "");
    assert.ok(
      stderr.trim().split("\n").includes(`Invalid PORT: "${port}" (address in use on 127.0.0.1)`),
      stderr,
    );
    assert.doesNotMatch(stderr, /\bat \S+:\d+:\d+/, "no stack trace");
  } finally {
    taken.close();
  }
});

Deno.test("main ends live streams cleanly on SIGTERM and exits 0", async () => {
  const server = await spawnServer({ SCRIPTED_CHARS_PER_SEC: "400", SCRIPTED_FIRST_TOKEN_MS: "0" });
  assert.ok(server.origin);
  const response = await fetch(`${server.origin}/api/cases/aki-nsaids/workflow/start/stream`);
  assert.equal(response.status, 200);
  const decoder = createSseDecoder();
  const events: SequencedEvent[] = [];
  const reader = response.body!.getReader();
  let signalled = false;
  for (let step = await reader.read(); !step.done; step = await reader.read()) {
    for (const message of decoder.push(step.value)) events.push(JSON.parse(message.data));
    if (!signalled && events.length > 5) {
      signalled = true;
      server.child.kill("SIGTERM");
    }
  }
  const { status, stderr } = await server.output();
  assert.equal(status.code, 0);
  const tail = events.slice(-2).map((e) => [e.type, e.metadata]);
  assert.equal(tail[0][0], "error");
  assert.deepEqual(tail[0][1], { error_code: "overloaded", retry_available: true });
  assert.equal(tail[1][0], "stream_done");
  assert.ok(stderr.includes('"event":"shutdown"'));
  const words = events.flatMap((e) => e.type === "content_chunk" ? [e.content.trim()] : [])
    .filter((word) => word.length >= 6);
  assert.ok(words.length > 0);
  for (const word of words) assert.ok(!stderr.includes(word), `log holds ${word}`);
});

Deno.test("logs carry no prompt, reasoning or answer text", async () => {
  const prompt = "Zebra quartz prompt about the left kidney";
  const reasoning = "Hidden thoughts on nephrotoxic exposure";
  const answer = "Stop ibuprofen; recheck potassium tomorrow";
  const h = makeApp({
    provider: scriptProvider([
      { deltas: [{ channel: "reasoning", text: reasoning }, { channel: "answer", text: answer }] },
      {
        deltas: [{ channel: "answer", text: answer }],
        error: new Error(`upstream said: ${answer}`),
      },
    ]),
  });
  try {
    const send = () =>
      h.app.request("/api/chat/stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: prompt }),
      });
    const ok = await readEvents(await send());
    assert.equal(panelText(ok, "chat"), answer);
    const failed = await readEvents(await send());
    assert.ok(failed.some((e) => e.type === "error" && e.metadata.error_code === "internal"));
    // Every app of the suite in this process logs through the harness into suiteLog.
    const log = suiteLog.join("\n");
    assert.ok(h.logs.length >= 4);
    for (
      const secret of [
        prompt,
        reasoning,
        answer,
        "Zebra",
        "nephrotoxic",
        "ibuprofen",
        "upstream said",
      ]
    ) {
      assert.ok(!log.includes(secret), `log holds ${secret}`);
    }
  } finally {
    h.close();
  }
});
