/**
 * Fan-out across a cluster, the worker of `cluster.mjs`: one run, N viewers split evenly over two
 * instances on one Redis; the run is owned by the first, the second mirrors it from Redis. Each
 * instance's viewers come from their own load client (`load-client.ts`, raw TCP, as in the other
 * load figures), attached before the run's first token. Prints JSON on stdout: per instance, the
 * load client's summary and the instance's CPU per delivered event.
 *
 *   deno run -A bench/cluster-fanout.ts '{"viewers":1000}'
 */
import { startInstance } from "../tests/cluster/instance.ts";
import { findRedisServer, startRedis } from "../tests/cluster/redis-process.ts";

const { viewers = 1000 } = JSON.parse(Deno.args[0] ?? "{}") as { viewers?: number };
const RATE = 20;
// The chat of the fan-out part, paced at RATE chunks/s (7.3 characters per chunk, measured).
const CHARS_PER_SEC = Math.round(RATE * 7.3);
const FIRST_TOKEN_MS = 5000;

const binary = await findRedisServer();
if (!binary) throw new Error("redis-server is not available");
const redis = await startRedis(binary);
const env = {
  REDIS_URL: redis.url,
  SCRIPTED_CHARS_PER_SEC: String(CHARS_PER_SEC),
  SCRIPTED_FIRST_TOKEN_MS: String(FIRST_TOKEN_MS),
  FLUSH_MS: "1000",
  ORPHAN_GRACE_MS: "60000",
  RATE_LIMIT_PER_MIN: "100000",
  MAX_RUNS_PER_CLIENT: "100000",
  MAX_VIEWERS_PER_CLIENT: "100000",
};
const instances = await Promise.all([startInstance(env), startInstance(env)]);

/** utime + stime of a process in µs (Linux clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Runs a load client against one instance; resolves its JSON summary. */
async function loadClient(origin: string, streams: number, path: string) {
  const config = {
    origin,
    streams,
    requests: [{ method: "GET", path }],
    openPerSec: 2000,
    timeoutMs: 60_000,
  };
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("load-client.ts", import.meta.url).pathname,
      JSON.stringify(config),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`load client failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

try {
  const response = await fetch(`${instances[0].origin}/api/chat/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "Summarise the plan.", caseId: "dka-new-onset" }),
  });
  const { runId } = await response.json();
  const cpuBefore = instances.map((instance) => cpuMicros(instance.pid));
  const path = `/api/runs/${runId}/stream`;
  const halves = [Math.ceil(viewers / 2), Math.floor(viewers / 2)];
  const results = await Promise.all(
    instances.map((instance, i) => loadClient(instance.origin, halves[i], path)),
  );
  const perInstance = results.map((result, i) => {
    const live = result.delivered - result.replayed;
    return {
      role: i === 0 ? "owner" : "mirror",
      viewers: halves[i],
      completed: result.completed,
      delivered: result.delivered,
      expected: result.expected,
      errors: result.errors,
      gaps: result.gaps,
      duplicates: result.duplicates,
      latencyMs: result.latencyMs,
      cpuPerDeliveredUs: live ? (cpuMicros(instances[i].pid) - cpuBefore[i]) / live : null,
    };
  });
  console.log(JSON.stringify({ viewers, rate: RATE, perInstance }));
} finally {
  await Promise.all(instances.map((i) => i.kill()));
  await redis.close();
}
