/** What the cluster tests share: request bodies, a slow scripted reply, and reading streams. */
import type { SequencedEvent } from "../../protocol/events.ts";
import type { FakeOpenAi } from "../support/fake-openai.ts";
import type { EventReader } from "./sse.ts";

/**
 * The environment of a cluster instance on `redisUrl` whose model is the local OpenAI-compatible
 * server `fake`: caps out of the way, since every request comes from one client.
 */
export function instanceEnv(redisUrl: string, fake: FakeOpenAi, leaseMs: number) {
  return {
    REDIS_URL: redisUrl,
    RUN_LEASE_MS: String(leaseMs),
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: fake.baseURL,
    LLM_MODEL: "fake-model",
    RATE_LIMIT_PER_MIN: "100000",
    MAX_RUNS_PER_CLIENT: "100000",
    MAX_VIEWERS_PER_CLIENT: "100000",
    RUN_TTL_MS: "60000",
  };
}

/** A JSON POST. */
export const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** A reply long and slow enough to observe mid-run (about `ms` of streaming). */
export function slowReply(fake: FakeOpenAi, ms: number, text = "Slow steady words for the test. ") {
  const chunkSize = 3;
  const deltas = Math.ceil(ms / 5);
  fake.enqueue({
    content: text.repeat(Math.ceil((deltas * chunkSize) / text.length)),
    chunkSize,
    delayMs: 5,
  });
}

/** The events up to and including the first that `done` accepts; throws if the stream ends. */
export async function readUntil(reader: EventReader, done: (e: SequencedEvent) => boolean) {
  const events: SequencedEvent[] = [];
  for (let event = await reader.next(); event; event = await reader.next()) {
    events.push(event);
    if (done(event)) return events;
  }
  throw new Error("Stream ended early");
}

/** The seqs of `events`, in order. */
export const seqs = (events: SequencedEvent[]) => events.map((e) => e.seq);

/** The chat panel's text in `events`. */
export const chatText = (events: SequencedEvent[]) =>
  events.filter((e) => e.type === "content_chunk" && e.panel === "chat").map((e) => e.content)
    .join("");
