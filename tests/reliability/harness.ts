/**
 * The servers the reliability suite runs against: the real app from `createApp`, served on a real
 * socket (127.0.0.1, port 0), with an in-memory store, a provider that counts its calls, and a
 * logger whose lines the tests read. Also the suite's size knob and small shared checks.
 */
import assert from "node:assert/strict";
import { type App, createApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { createLogger } from "../../server/log.ts";
import type { CompletionRequest, LlmProvider } from "../../server/providers/provider.ts";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import type { Sleep } from "../../server/providers/sleep.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";

/** `RELIABILITY_SIZE=full` runs the long sweeps; anything else the bounded default. */
export const FULL = Deno.env.get("RELIABILITY_SIZE") === "full";

/** Environment of every in-process test server (strings, as `loadConfig` reads them). */
export const TEST_ENV: Record<string, string> = {
  PORT: "0",
  DATA_DIR: ":memory:",
  RATE_LIMIT_PER_MIN: "100000",
  MAX_RUNS_PER_CLIENT: "100000",
  MAX_VIEWERS_PER_CLIENT: "100000",
  // No idle flush: chunking then depends on the text alone, so runs are comparable.
  FLUSH_MS: "60000",
  HEARTBEAT_MS: "60000",
  CORS_ORIGINS: "https://portal.example",
  DEMO_CONTROLS: "false",
  // The proxies count SSE messages and bytes on the wire: plain streams, whatever the client accepts.
  SSE_COMPRESSION: "off",
};

/** A served app and what the tests observe of it. */
export interface TestServer {
  readonly app: App;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly hostname: string;
  readonly port: number;
  /** Every completion the provider was asked for, in order. */
  readonly calls: CompletionRequest[];
  /** Every log line the app wrote. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Options of `startTestServer`. */
export interface TestServerOptions {
  /** Overrides of TEST_ENV. */
  env?: Record<string, string>;
  /** Default: the scripted model, paced by `fastSleep`. */
  provider?: LlmProvider;
}

/**
 * A Sleep that really waits 1 ms once every `every` calls and otherwise only yields: the scripted
 * model then streams a whole workflow in a fraction of a second while still interleaving with I/O.
 */
export function fastSleep(every = 16): Sleep {
  let calls = 0;
  return (_ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted || calls++ % every !== 0) return queueMicrotask(() => resolve());
      setTimeout(resolve, 1);
    });
}

/** Wraps a provider so every call is recorded. */
export function countingProvider(inner: LlmProvider, calls: CompletionRequest[]): LlmProvider {
  return {
    name: inner.name,
    stream(request) {
      calls.push(request);
      return inner.stream(request);
    },
  };
}

/** Serves the real app on 127.0.0.1 at a free port. */
export function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  const calls: CompletionRequest[] = [];
  const logs: string[] = [];
  const inner = options.provider ?? scriptedProvider();
  const store = openSqliteStore(":memory:");
  const app = createApp({
    config,
    provider: countingProvider(inner, calls),
    store,
    log: createLogger((line) => logs.push(line)),
  });
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ hostname, port }) =>
        resolve({
          app,
          origin: `http://${hostname}:${port}`,
          hostname,
          port,
          calls,
          logs,
          async close() {
            app.shutdown();
            await server.shutdown();
            store.close();
          },
        }),
    }, (request, info) => app.fetch(request, info));
  });
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Asserts no log line holds any of `secrets` (prompt, model text, keys). */
export function assertLogsClean(logs: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    const leak = logs.find((line) => line.includes(secret));
    assert.equal(
      leak,
      undefined,
      `Log line leaks ${JSON.stringify(secret.slice(0, 40))}: ${leak?.slice(0, 200)}`,
    );
  }
}

/** Resolves once `condition()` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function until(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The scripted model with every `every`-th token waiting 1 ms: slower runs, same text. */
export function scriptedProvider(every = 16): LlmProvider {
  return createScriptedProvider({ charsPerSec: 240, firstTokenMs: 0, sleep: fastSleep(every) });
}

/** Wraps a provider: its first stream goes silent for `pauseMs` after `afterDeltas` deltas. */
export function pausingProvider(
  inner: LlmProvider,
  afterDeltas: number,
  pauseMs: number,
): LlmProvider {
  let streams = 0;
  return {
    name: inner.name,
    async *stream(request) {
      const source = inner.stream(request);
      const pauses = streams++ === 0;
      let count = 0;
      for (;;) {
        const step = await source.next();
        if (step.done) return step.value;
        if (pauses && count++ === afterDeltas) {
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
        yield step.value;
      }
    },
  };
}

/** A `server/main.ts` child process. */
export interface ServerProcess {
  readonly origin: string;
  readonly port: number;
  /** Everything it printed on stdout and stderr so far. */
  readonly output: string[];
  /** Sends a signal and waits for the exit. */
  kill(signal: Deno.Signal): Promise<void>;
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** Spawns `deno run -A server/main.ts` with `env` on a free port; resolves once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = new Deno.Command(`${ROOT}node_modules/.bin/deno`, {
    args: ["run", "-A", `${ROOT}server/main.ts`],
    cwd: ROOT,
    env: { PORT: "0", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  let listening: (origin: string) => void = () => {};
  const origin = new Promise<string>((resolve) => (listening = resolve));
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      output.push(decoder.decode(bytes, { stream: true }));
      const match = /LISTENING (http:\/\/\S+)/.exec(output.join(""));
      if (match) listening(match[1]);
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const exited = child.status.then(async (status) => {
    await drained;
    return status;
  });
  const started = await Promise.race([
    origin,
    exited.then(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, 30_000)),
  ]);
  const kill = async (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
    await exited;
  };
  if (started === undefined) {
    await kill("SIGKILL");
    throw new Error(`Server did not start:\n${output.join("")}`);
  }
  return { origin: started, port: Number(new URL(started).port), output, kill };
}
