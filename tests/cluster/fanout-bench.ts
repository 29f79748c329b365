/**
 * Fan-out across a cluster: one run, N viewers (default 1,000) split evenly over two instances
 * on one Redis; the run is owned by the first. Prints, per instance, how many viewers received
 * the complete log (all identical) and the delivery lag of each text chunk (arrival − event
 * ts; the run waits 4 s for its first token, so every viewer is attached by then).
 *
 *   node_modules/.bin/deno run -A tests/cluster/fanout-bench.ts [viewers]
 */
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { startInstance } from "./instance.ts";
import { findRedisServer, startRedis } from "./redis-process.ts";

const viewers = Number(Deno.args[0] ?? 1000);
const binary = await findRedisServer();
if (!binary) throw new Error("redis-server is not available");
const redis = await startRedis(binary);
const env = {
  REDIS_URL: redis.url,
  SCRIPTED_CHARS_PER_SEC: "400",
  SCRIPTED_FIRST_TOKEN_MS: "4000",
  ORPHAN_GRACE_MS: "60000",
  RATE_LIMIT_PER_MIN: "100000",
};
const instances = await Promise.all([startInstance(env), startInstance(env)]);

interface Received {
  lags: number[];
  log: string;
}

async function view(origin: string, path: string): Promise<Received> {
  const response = await fetch(`${origin}${path}`);
  const decoder = createSseDecoder();
  const lags: number[] = [];
  const seqs: string[] = [];
  for await (const chunk of response.body!) {
    const now = Date.now();
    for (const message of decoder.push(chunk)) {
      const parsed = parseEvent(message.data);
      if (!parsed.ok || parsed.event.type === "heartbeat") continue;
      // Events logged before the viewer attached are replayed: only live text counts.
      if (parsed.event.type === "content_chunk") lags.push(now - parsed.event.ts);
      seqs.push(`${parsed.event.seq}:${parsed.event.type}`);
    }
  }
  return { lags, log: seqs.join(",") };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

try {
  const started = await (await fetch(`${instances[0].origin}/api/chat/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "Summarise the plan.", caseId: "chest-pain-acs" }),
  })).json();
  const attachStart = Date.now();
  const results = await Promise.all(
    Array.from({ length: viewers }, (_, i) => {
      const instance = i % 2;
      return view(instances[instance].origin, started.streamUrl).then((r) => ({ instance, ...r }));
    }),
  );
  const total = Date.now() - attachStart;
  const reference = results[0].log;
  for (const instance of [0, 1]) {
    const mine = results.filter((r) => r.instance === instance);
    const lags = mine.flatMap((r) => r.lags);
    const complete = mine.filter((r) => r.log === reference && r.log.endsWith("stream_done"));
    console.log(
      `${instance === 0 ? "owner " : "mirror"}: ${complete.length}/${mine.length} viewers got ` +
        `the identical complete log (${reference.split(",").length} events); lag p50 ` +
        `${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms, max ${Math.max(...lags)} ms`,
    );
  }
  console.log(`${viewers} viewers, run streamed in ${total} ms from the first attach`);
} finally {
  await Promise.all(instances.map((i) => i.kill()));
  await redis.close();
}
