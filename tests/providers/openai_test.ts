import assert from "node:assert/strict";
import { createOpenAiProvider } from "../../server/providers/openai.ts";
import { type CompletionRequest, ProviderError } from "../../server/providers/provider.ts";
import { type FakeOpenAi, type FakeReply, startFakeOpenAi } from "../support/fake-openai.ts";
import { collect, textOf } from "./collect.ts";

const API_KEY = "sk-test-secret-key";

interface Harness {
  fake: FakeOpenAi;
  sleeps: number[];
  provider: ReturnType<typeof createOpenAiProvider>;
}

/** Runs `body` against a fresh fake server with an instant, recorded sleep that moves `now`. */
async function withFake(
  body: (harness: Harness) => Promise<void>,
  { idleTimeoutMs = 5_000 } = {},
): Promise<void> {
  const fake = await startFakeOpenAi();
  const sleeps: number[] = [];
  let time = Date.now();
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: API_KEY,
    model: "test-model",
    idleTimeoutMs,
    sleep: (ms) => (sleeps.push(ms), time += ms, Promise.resolve()),
    now: () => time,
  });
  try {
    await body({ fake, sleeps, provider });
  } finally {
    await fake.close();
  }
}

function chat(message: string, signal = new AbortController().signal): CompletionRequest {
  return {
    purpose: "chat",
    stage: "reply",
    caseId: "chest-pain-acs",
    history: [{ role: "user", content: message }],
    messages: [],
    signal,
  };
}

function assertProviderError(error: unknown, code: string): void {
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${error}`);
  assert.equal(error.code, code);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("Condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("openai provider maps reasoning_content to reasoning and content to answer", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({
      reasoning: "Check troponin 🫀 delta.",
      content: "Likely **NSTEMI** 🩺.",
      chunkSize: 3,
    });
    const { deltas, finish } = await collect(provider.stream(chat("What is it?")));
    assert.equal(finish, "stop");
    assert.equal(textOf(deltas, "reasoning"), "Check troponin 🫀 delta.");
    assert.equal(textOf(deltas, "answer"), "Likely **NSTEMI** 🩺.");
    const firstAnswer = deltas.findIndex((delta) => delta.channel === "answer");
    assert.ok(deltas.slice(0, firstAnswer).every((delta) => delta.channel === "reasoning"));
  });
});

Deno.test("openai provider sends the request's messages, the token limit and asks for usage", async () => {
  await withFake(async ({ fake, provider }) => {
    const request = chat("Is aspirin safe here?");
    await collect(provider.stream({ ...request, maxTokens: 512 }));
    const [recorded] = fake.requests;
    assert.deepEqual(recorded.body, {
      model: "test-model",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 512,
      messages: request.messages,
    });
    assert.equal(recorded.headers.authorization, `Bearer ${API_KEY}`);
  });
});

Deno.test("openai provider sends a stage's own model and temperature", async () => {
  await withFake(async ({ fake, provider }) => {
    await collect(provider.stream({ ...chat("Plan?"), model: "stage-model", temperature: 0.2 }));
    const body = fake.requests[0].body as Record<string, unknown>;
    assert.deepEqual([body.model, body.temperature], ["stage-model", 0.2]);
  });
});

Deno.test("openai provider reports the usage chunk's token counts", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Yes.", usage: { prompt_tokens: 120, completion_tokens: 7 } });
    const reported: unknown[] = [];
    const { deltas, finish } = await collect(
      provider.stream({ ...chat("Safe?"), onUsage: (usage) => reported.push(usage) }),
    );
    assert.equal(textOf(deltas, "answer"), "Yes.");
    assert.equal(finish, "stop");
    assert.deepEqual(reported, [{ inputTokens: 120, outputTokens: 7 }]);
  });
});

Deno.test("openai provider returns length when the upstream hit its token limit", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Truncated answ", finishReason: "length" });
    const { deltas, finish } = await collect(provider.stream(chat("Plan?")));
    assert.equal(finish, "length");
    assert.equal(textOf(deltas, "answer"), "Truncated answ");
  });
});

Deno.test("openai provider abort reaches the upstream server within 250 ms", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "word ".repeat(400), chunkSize: 5, delayMs: 20 });
    const controller = new AbortController();
    const reason = new Error("cancelled by test");
    const stream = provider.stream(chat("Plan?", controller.signal));
    const first = await stream.next();
    assert.equal(first.done, false);
    const abortedAt = Date.now();
    controller.abort(reason);
    await assert.rejects(stream.next(), (error) => error === reason);
    await waitUntil(() => fake.requests[0].aborted, 1_000);
    const lag = fake.requests[0].abortedAt! - abortedAt;
    assert.ok(lag < 250, `upstream saw the abort after ${lag} ms`);
  });
});

Deno.test("openai provider retries a 429 after the Retry-After seconds", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    fake.enqueue({ content: "", fault: { kind: "status", status: 429, retryAfter: "3" } });
    fake.enqueue({ content: "After the wait." });
    const { deltas, finish } = await collect(provider.stream(chat("Plan?")));
    assert.equal(finish, "stop");
    assert.equal(textOf(deltas, "answer"), "After the wait.");
    assert.deepEqual(sleeps, [3_000]);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("openai provider fails at once when a Retry-After outlasts the idle timeout", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    fake.enqueue({ content: "", fault: { kind: "status", status: 503, retryAfter: "3600" } });
    fake.enqueue({ content: "Back." });
    assertProviderError(
      (await collect(provider.stream(chat("Plan?")))).error,
      "upstream_unavailable",
    );
    assert.deepEqual(sleeps, []);
    assert.equal(fake.requests.length, 1);
  });
});

Deno.test("openai provider stops retrying once the waits would outlast the idle timeout", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue({ content: "", fault: { kind: "status", status: 429, retryAfter: "3" } });
    }
    assertProviderError((await collect(provider.stream(chat("Plan?")))).error, "rate_limited");
    assert.deepEqual(sleeps, [3_000]);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("openai provider gives up on repeated 429s with rate_limited", async () => {
  await withFake(async ({ fake, provider }) => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue({ content: "", fault: { kind: "status", status: 429, retryAfter: "1" } });
    }
    const { error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "rate_limited");
    assert.equal(fake.requests.length, 3);
  });
});

Deno.test("openai provider retries 500s with backoff, then fails with upstream_error", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue({ content: "", fault: { kind: "status", status: 500 } });
    }
    const { deltas, error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "upstream_error");
    assert.deepEqual(deltas, []);
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(sleeps, [500, 1_000]);
  });
});

Deno.test("openai provider reports repeated 503s as upstream_unavailable", async () => {
  await withFake(async ({ fake, provider }) => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue({ content: "", fault: { kind: "status", status: 503 } });
    }
    assertProviderError(
      (await collect(provider.stream(chat("Plan?")))).error,
      "upstream_unavailable",
    );
  });
});

Deno.test("openai provider recovers when a 502 is followed by success", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    fake.enqueue({ content: "", fault: { kind: "status", status: 502 } });
    fake.enqueue({ content: "Recovered." });
    const { deltas } = await collect(provider.stream(chat("Plan?")));
    assert.equal(textOf(deltas, "answer"), "Recovered.");
    assert.deepEqual(sleeps, [500]);
  });
});

Deno.test("openai provider does not retry an authentication failure", async () => {
  await withFake(async ({ fake, sleeps, provider }) => {
    fake.enqueue({ content: "", fault: { kind: "status", status: 401 } });
    assertProviderError((await collect(provider.stream(chat("Plan?")))).error, "upstream_error");
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });
});

Deno.test("openai provider does not retry a connection lost after the first token", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({
      content: "Partial answer that breaks",
      chunkSize: 4,
      fault: { kind: "error_mid", afterChars: 8 },
    });
    const { deltas, error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "upstream_error");
    assert.equal(textOf(deltas, "answer"), "Partial ");
    assert.equal(fake.requests.length, 1);
  });
});

Deno.test("openai provider retries a connection lost before the first token", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Lost", fault: { kind: "error_mid", afterChars: 0 } });
    fake.enqueue({ content: "Second try." });
    const { deltas } = await collect(provider.stream(chat("Plan?")));
    assert.equal(textOf(deltas, "answer"), "Second try.");
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("openai provider times out a silent upstream and aborts it", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Goes quiet after this", fault: { kind: "stall", afterChars: 8 } });
    const { deltas, error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "upstream_timeout");
    assert.equal(textOf(deltas, "answer"), "Goes qui");
    await waitUntil(() => fake.requests[0].aborted, 1_000);
    assert.equal(fake.requests.length, 1);
  }, { idleTimeoutMs: 150 });
});

Deno.test("openai provider treats a stream without a finish reason as upstream_error", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Cut short", finishReason: null });
    const { deltas, error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "upstream_error");
    assert.equal(textOf(deltas, "answer"), "Cut short");
  });
});

Deno.test("openai provider treats a malformed chunk as upstream_error", async () => {
  await withFake(async ({ fake, provider }) => {
    fake.enqueue({ content: "Fine until here", fault: { kind: "malformed", afterChars: 4 } });
    const { deltas, error } = await collect(provider.stream(chat("Plan?")));
    assertProviderError(error, "upstream_error");
    assert.equal(textOf(deltas, "answer"), "Fine");
    assert.equal(fake.requests.length, 1);
  });
});

Deno.test("openai provider reports a refused connection as upstream_unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const sleeps: number[] = [];
  const provider = createOpenAiProvider({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: API_KEY,
    model: "test-model",
    idleTimeoutMs: 5_000,
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
  });
  assertProviderError(
    (await collect(provider.stream(chat("Plan?")))).error,
    "upstream_unavailable",
  );
  assert.deepEqual(sleeps, [500, 1_000]);
});

Deno.test("openai provider errors carry no URL, key or upstream text", async () => {
  await withFake(async ({ fake, provider }) => {
    const faults: FakeReply[] = [
      { content: "", fault: { kind: "status", status: 401 } },
      { content: "", fault: { kind: "status", status: 400 } },
      { content: "secret words", fault: { kind: "malformed", afterChars: 3 } },
      { content: "secret words", fault: { kind: "error_mid", afterChars: 3 } },
      { content: "secret words", finishReason: null },
    ];
    for (const reply of faults) {
      fake.enqueue(reply);
      const { error } = await collect(provider.stream(chat("Plan?")));
      assert.ok(error instanceof ProviderError);
      const visible = `${error.message} ${String(error)} ${JSON.stringify(error)}`;
      for (const secret of [fake.baseURL, "127.0.0.1", API_KEY, "Injected", "secret", "fake"]) {
        assert.ok(!visible.includes(secret), visible);
      }
      assert.equal(error.message, error.code);
    }
  });
});

Deno.test("openai provider stops retrying when aborted during the backoff", async () => {
  const fake = await startFakeOpenAi();
  const controller = new AbortController();
  const reason = new Error("cancelled by test");
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: API_KEY,
    model: "test-model",
    idleTimeoutMs: 5_000,
    sleep: () => (controller.abort(reason), Promise.resolve()),
  });
  try {
    fake.enqueue({ content: "", fault: { kind: "status", status: 503 } });
    const { error } = await collect(provider.stream(chat("Plan?", controller.signal)));
    assert.equal(error, reason);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});
