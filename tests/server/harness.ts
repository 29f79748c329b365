/**
 * Shared set-up for the server suite: an app over in-memory storage with fast settings, a
 * captured log, scripted or hand-written providers, and helpers to read SSE bodies.
 */
import { type App, createApp } from "../../server/app.ts";
import { type Config, loadConfig } from "../../server/config.ts";
import { createLogger } from "../../server/log.ts";
import type {
  LlmProvider,
  ProviderDelta,
  ProviderFinish,
} from "../../server/providers/provider.ts";
import { createScriptedProvider } from "../../server/providers/scripted.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import { embeddedConversations, type Store } from "../../server/storage/store.ts";
import type { SharedRuns } from "../../server/runs/shared-runs.ts";
import type { Clock } from "../../server/runs/timers.ts";
import type { WorkflowCatalog } from "../../server/workflows/catalog.ts";
import type { RunEndListener } from "../../server/webhooks/webhook-sender.ts";
import type { SequencedEvent, StreamEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";

/** Every log line the suite's apps wrote, so one test can check none holds model text. */
export const suiteLog: string[] = [];

/** Configuration for tests: defaults of §5 with fast timings, overridable per test. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    // Abuse limits lifted: every request of the suite comes from one client.
    ...loadConfig({
      DATA_DIR: ":memory:",
      RATE_LIMIT_PER_MIN: "100000",
      MAX_RUNS_PER_CLIENT: "100000",
      MAX_VIEWERS_PER_CLIENT: "100000",
    }),
    flushMs: 5,
    heartbeatMs: 60_000,
    ...overrides,
  };
}

/**
 * A scripted model paced for tests: every token is its own delta, but pauses under a millisecond
 * are skipped, so a whole workflow takes milliseconds.
 */
export function fastScripted() {
  return createScriptedProvider({
    charsPerSec: 1_000_000,
    firstTokenMs: 0,
    sleep: (ms) => ms < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)),
  });
}

/** A test app and how to stop it. */
export interface Harness {
  app: App;
  store: Store;
  logs: string[];
  close(): void;
}

/** Builds an app with fast settings; `store` lets a test reopen the same storage. */
export function makeApp(
  options: {
    provider?: LlmProvider;
    config?: Partial<Config>;
    store?: Store;
    root?: string;
    clock?: Clock;
    /** Makes the app one instance of a cluster: runs go through this shared log. */
    shared?: SharedRuns;
    /** Workflows beside the built-in one, and who hears of each run's end. */
    workflows?: WorkflowCatalog;
    webhooks?: RunEndListener;
  } = {},
): Harness {
  const logs: string[] = [];
  const store = options.store ?? openSqliteStore(":memory:");
  const app = createApp({
    config: testConfig(options.config),
    provider: options.provider ?? fastScripted(),
    ...(options.shared
      ? {
        redis: {
          runs: options.shared,
          conversations: embeddedConversations(store),
          close: () => Promise.resolve(),
        },
      }
      : { store }),
    log: createLogger((line) => {
      logs.push(line);
      suiteLog.push(line);
    }),
    ...(options.root ? { root: options.root } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.workflows ? { workflows: options.workflows } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
  });
  return {
    app,
    store,
    logs,
    close() {
      app.shutdown();
      if (!options.store) store.close();
    },
  };
}

/** Reads a whole SSE body: the retry value and every event (heartbeats included). */
export async function readSse(
  response: Response,
): Promise<{ retry?: number; events: StreamEvent[] }> {
  const decoder = createSseDecoder();
  const events: StreamEvent[] = [];
  let retry: number | undefined;
  const take = (messages: ReturnType<typeof decoder.push>) => {
    for (const message of messages) {
      if (message.retry !== undefined) retry = message.retry;
      const parsed = parseEvent(message.data);
      if (!parsed.ok) throw new Error(`Invalid event: ${parsed.detail}`);
      events.push(parsed.event);
    }
  };
  const reader = response.body!.getReader();
  for (let step = await reader.read(); !step.done; step = await reader.read()) {
    take(decoder.push(step.value));
  }
  take(decoder.end());
  return { retry: retry ?? decoder.reconnectionTime, events };
}

/** Reads an SSE body and drops heartbeats. */
export async function readEvents(response: Response): Promise<SequencedEvent[]> {
  const { events } = await readSse(response);
  return events.filter((e): e is SequencedEvent => e.type !== "heartbeat");
}

/** A panel's text, as the concatenation of its chunks. */
export function panelText(events: readonly SequencedEvent[], panel: "reasoning" | "chat"): string {
  return events.filter((e) => e.type === "content_chunk" && e.panel === panel).map((e) => e.content)
    .join("");
}

/** A hand-written model: each call to `stream` plays the next script (deltas, then a finish). */
export interface ScriptStep {
  deltas: ProviderDelta[];
  finish?: ProviderFinish;
  /** Throws this after the deltas instead of finishing. */
  error?: Error;
  /** Waits until aborted after the deltas (a hung upstream). */
  hang?: boolean;
}

/** A provider playing scripts in order (the last repeats), recording each request's signal. */
export function scriptProvider(steps: ScriptStep[]) {
  const signals: AbortSignal[] = [];
  let calls = 0;
  const provider: LlmProvider & { signals: AbortSignal[]; calls(): number } = {
    name: "openai",
    signals,
    calls: () => calls,
    async *stream(request) {
      const step = steps[Math.min(calls++, steps.length - 1)];
      signals.push(request.signal);
      for (const delta of step.deltas) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        request.signal.throwIfAborted();
        yield delta;
      }
      if (step.hang) {
        await new Promise((resolve) =>
          request.signal.addEventListener("abort", resolve, { once: true })
        );
        throw request.signal.reason;
      }
      if (step.error) throw step.error;
      return step.finish ?? "stop";
    },
  };
  return provider;
}

/** Polls `check` every few ms until true; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("Condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A model the test feeds by hand: `push` releases deltas, `end` finishes the completion. */
export function gatedProvider() {
  const queue: (ProviderDelta | "end")[] = [];
  const signals: AbortSignal[] = [];
  let wake = () => {};
  const provider: LlmProvider = {
    name: "openai",
    async *stream(request) {
      signals.push(request.signal);
      for (;;) {
        while (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            request.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          request.signal.throwIfAborted();
        }
        const item = queue.shift()!;
        if (item === "end") return "stop";
        yield item;
      }
    },
  };
  return {
    provider,
    signals,
    push(...texts: string[]) {
      for (const text of texts) queue.push({ channel: "answer", text });
      wake();
    },
    end() {
      queue.push("end");
      wake();
    },
  };
}

/** Starts a chat run through `/api/chat/messages`; resolves with its ids. */
export async function startChatRun(
  app: App,
  message = "Status?",
): Promise<{ runId: string; conversationId: string }> {
  const response = await app.request("/api/chat/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
  if (response.status !== 201) throw new Error(`Chat start failed: ${response.status}`);
  return await response.json();
}

/** Serves an app on 127.0.0.1, port 0; `close` waits for open responses to end. */
export function serve(app: App): Promise<{ origin: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ origin: `http://127.0.0.1:${port}`, close: () => server.shutdown() }),
    }, (request, info) => app.fetch(request, info));
  });
}

/** A clock the test moves by hand: timers fire only in `advance`. */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock = {
    now: () => now,
    setTimeout(callback: () => void, ms: number) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimeout(handle: ReturnType<typeof setTimeout> | undefined) {
      timers.delete(handle as unknown as number);
    },
    /** Moves time forward, firing due timers in order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) =>
          t.at <= until
        ).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) {
          break;
        }
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
  return clock;
}
