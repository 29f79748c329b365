// Fan-out: one run, many viewers attached through GET /api/runs/:id/stream, against the floor
// sending each event, encoded once, to the same number of viewers.
//
//   node bench/fanout.mjs [--quick]
import {
  cpuMicros,
  delay,
  printTable,
  runWorker,
  startFloor,
  startServer,
  writeResult,
} from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";
import { chatCase, paced } from "./server-load.mjs";

const RATE = 20;
const { request: chatRequest, charsPerSec: CHARS_PER_SEC } = paced(chatCase, RATE);
// The run waits this long for its first token, so every viewer is attached before text flows.
const FIRST_TOKEN_MS = 5000;

async function measure(server, client) {
  try {
    await delay(500);
    const cpu0 = cpuMicros(server.pid);
    const result = await runWorker("load-client.ts", { ...client, origin: server.origin });
    const cpuUs = cpuMicros(server.pid) - cpu0;
    const live = result.delivered - result.replayed;
    return { ...result, serverCpuMs: cpuUs / 1000, cpuPerDeliveredUs: live ? cpuUs / live : NaN };
  } finally {
    await server.stop();
  }
}

/** Runs the fan-out benchmark and writes bench/results/fanout.json. */
export async function main(args) {
  const quick = args.includes("--quick");
  const viewers = quick ? 50 : 1000;
  const base = { streams: viewers, timeoutMs: 60_000, openPerSec: 2000 };

  const server = await startServer({
    SCRIPTED_CHARS_PER_SEC: String(CHARS_PER_SEC),
    SCRIPTED_FIRST_TOKEN_MS: String(FIRST_TOKEN_MS),
    FLUSH_MS: "1000",
    ORPHAN_GRACE_MS: "60000",
  });
  // The same chat as the load scenarios, started without a viewer (POST /api/chat/messages).
  const response = await fetch(`${server.origin}/api/chat/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chatRequest.body,
  });
  if (response.status !== 201) {
    throw new Error(`POST /api/chat/messages answered ${response.status}`);
  }
  const { runId } = await response.json();
  const real = await measure(server, {
    ...base,
    requests: [{ method: "GET", path: `/api/runs/${runId}/stream` }],
  });

  const chunks = Math.round(real.contentChunks / Math.max(1, real.completed));
  const floor = await measure(await startFloor(), {
    ...base,
    requests: [{ method: "GET", path: `/fanout?viewers=${viewers}&chunks=${chunks}&rate=${RATE}` }],
  });

  console.log(`\nFan-out: one run, ${viewers} viewers, ${RATE} chunks/s (${chunks} chunks)`);
  const rows = [
    ["delivered / expected", (r) => `${r.delivered}/${r.expected}`],
    ["completed viewers", (r) => `${r.completed}/${r.streams}`],
    ["errors", (r) => r.errors],
    ["gaps / duplicates", (r) => `${r.gaps}/${r.duplicates}`],
    ["chunk latency p50 ms", (r) => r.latencyMs.p50],
    ["chunk latency p99 ms", (r) => r.latencyMs.p99],
    ["chunk latency max ms", (r) => r.latencyMs.max],
    ["server CPU µs/delivered event", (r) => r.cpuPerDeliveredUs],
  ];
  printTable(
    ["measure", "server", "floor", "server/floor"],
    rows.map(([label, get]) => {
      const r = get(real);
      const f = get(floor);
      return [label, round(r), round(f), typeof r === "number" && f ? round(r / f) : ""];
    }),
  );
  console.log(
    `\nwrote ${
      writeResult(quick ? "fanout-quick" : "fanout", { quick, viewers, rate: RATE, real, floor })
    }`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
