/** A server on the `openai` provider against the local OpenAI-compatible test server. */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createOpenAiProvider } from "../../server/providers/openai.ts";
import { type FakeOpenAi, type FakeReply, startFakeOpenAi } from "../support/fake-openai.ts";
import type { Config } from "../../server/config.ts";
import { type Harness, makeApp, readEvents, serve } from "./harness.ts";

/** The fake upstream, the app and its origin. */
export interface Rig {
  fake: FakeOpenAi;
  h: Harness;
  origin: string;
  close(): Promise<void>;
}

/** Starts the fake upstream and a server that uses it. */
export async function rig(config: Partial<Config> = {}, idleTimeoutMs = 2000): Promise<Rig> {
  const fake = await startFakeOpenAi();
  const provider = createOpenAiProvider({
    baseURL: fake.baseURL,
    apiKey: "test-key",
    model: "m",
    idleTimeoutMs,
  });
  const h = makeApp({ provider, config });
  const server = await serve(h.app);
  return {
    fake,
    h,
    origin: server.origin,
    async close() {
      h.close();
      await server.close();
      await fake.close();
    },
  };
}

/** Starts a chat run. */
export async function chat(r: Rig, message = "How is the kidney function?") {
  const response = await fetch(`${r.origin}/api/chat/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
  assert.equal(response.status, 201);
  return await response.json() as { runId: string; conversationId: string; streamUrl: string };
}

/** Reads a stream to its end. */
export async function follow(r: Rig, path: string): Promise<SequencedEvent[]> {
  return await readEvents(await fetch(`${r.origin}${path}`));
}

/** Runs one chat against a queued reply and returns its events. */
export async function chatWith(r: Rig, ...replies: FakeReply[]) {
  for (const reply of replies) r.fake.enqueue(reply);
  const started = await chat(r);
  return { started, events: await follow(r, started.streamUrl) };
}
