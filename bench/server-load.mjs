// Server load: each scenario against the real server (scripted model at a fixed pace) and, in the
// same run, against the floor (bench/floor-server.ts) sending the same events at the same rate.
// Clients are a separate Deno process (bench/load-client.ts). `--quick` runs small versions.
//
//   node bench/server-load.mjs [--quick] [scenario…]     scenarios: 100x50 1000x20 5000x2 idle
import { existsSync, readFileSync } from "node:fs";
import {
  cpuMicros,
  delay,
  printTable,
  root,
  rssBytes,
  runWorker,
  startFloor,
  startPeer,
  startServer,
  writeResult,
} from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";

// Mean characters per chunk of each request's text as the server streams it (measured), so the
// scripted pace that yields R chunks per second is R × that many chars/s.
/** A whole workflow run: ~810 events. */
export const workflow = {
  method: "GET",
  path: "/api/cases/chest-pain-acs/workflow/start/stream",
  charsPerChunk: 7.7,
};

/** A chat about a case: ~107 events. */
export const chatCase = {
  method: "POST",
  path: "/api/chat/stream",
  body: JSON.stringify({ message: "What do the labs show?", caseId: "dka-new-onset" }),
  charsPerChunk: 7.7,
};
/** A chat without a case: ~60 events. */
const chatPlain = {
  method: "POST",
  path: "/api/chat/stream",
  body: JSON.stringify({ message: "hello" }),
  charsPerChunk: 7.0,
};

/** The request without its calibration, and the scripted pace giving `rate` chunks per second. */
export function paced({ charsPerChunk, ...request }, rate) {
  return { request, charsPerSec: Math.round(rate * charsPerChunk) };
}

const startRun = (message) => ({
  method: "POST",
  path: "/api/chat/messages",
  body: JSON.stringify({ message }),
});

/** Scenarios: full size, and the `--quick` size used to validate the harness. */
export const SCENARIOS = {
  "100x50": {
    title: "100 streams × 50 ev/s",
    streams: 100,
    quick: 20,
    rate: 50,
    request: workflow,
    quickRequest: chatCase,
    peer: true,
  },
  "1000x20": {
    title: "1,000 streams × 20 ev/s",
    streams: 1000,
    quick: 50,
    rate: 20,
    request: chatCase,
    peer: true,
  },
  "5000x2": {
    title: "5,000 streams × 2 ev/s",
    streams: 5000,
    quick: 50,
    rate: 2,
    request: chatPlain,
    openPerSec: 1000,
  },
  idle: { title: "1,000 idle attached viewers", streams: 1000, quick: 50, idle: true },
};

/** The goals of the issue, per scenario: [label, measure(real, floor) → value, test(value)]. */
const GOALS = {
  "100x50": [
    ["first event p99 ≤ 30 ms", (r) => r.firstEventMs.p99, (v) => v <= 30],
    ["p99 ≤ 5 ms", (r) => r.latencyMs.p99, (v) => v <= 5],
    ["≤ 60 µs CPU/event", (r) => r.cpuPerEventUs, (v) => v <= 60],
    ["≤ 64 KB RSS/stream", (r) => r.rssPerStreamKB, (v) => v <= 64],
    ["≤ 64 KB kept per finished workflow run", (r) => r.heapRetainedPerStreamKB, (v) => v <= 64],
  ],
  "1000x20": [
    ["≤ 16 KB kept per finished chat run", (r) => r.heapRetainedPerStreamKB, (v) => v <= 16],
    ["all delivered", (r) => r.delivered === r.expected && r.completed === r.streams, (v) => v],
    ["0 errors", (r) => r.errors, (v) => v === 0],
    ["p99 ≤ 30 ms", (r) => r.latencyMs.p99, (v) => v <= 30],
    ["stretch ≤ 1.1", (r) => r.stretch.max, (v) => v <= 1.1],
  ],
  "5000x2": [
    ["all delivered", (r) => r.delivered === r.expected && r.completed === r.streams, (v) => v],
    ["0 errors", (r) => r.errors, (v) => v === 0],
    ["p99 ≤ 250 ms", (r) => r.latencyMs.p99, (v) => v <= 250],
    ["≤ 64 KB RSS/stream", (r) => r.rssPerStreamKB, (v) => v <= 64],
  ],
  idle: [["≤ 32 KB/viewer", (r) => r.rssPerStreamKB, (v) => v <= 32]],
};
const FLOOR_GOALS = [
  ["p99 within 1.5× floor", (r, f) => r.latencyMs.p99 / f.latencyMs.p99, (v) => v <= 1.5],
  ["CPU/event within 1.5× floor", (r, f) => r.cpuPerEventUs / f.cpuPerEventUs, (v) => v <= 1.5],
];

/**
 * Starts a server, warms it up, then runs the client while sampling the server's CPU and RSS.
 * `prepare(origin)` may create runs first (idle viewers) and returns the client's requests.
 */
async function measure(start, client, { warmup, prepare, solo } = {}) {
  const server = await start();
  try {
    const origin = server.origin;
    if (warmup) await runWorker("load-client.ts", { ...warmup, origin });
    // One stream alone: the pace the server keeps without load.
    const alone = solo
      ? await runWorker("load-client.ts", { ...client, streams: 1, origin })
      : undefined;
    const requests = prepare ? await prepare(origin) : client.requests;
    await delay(1000);
    const memory0 = await server.memory();
    const cpu0 = cpuMicros(server.pid);
    const rss0 = rssBytes(server.pid);
    let phase = "opening";
    let held;
    const samples = [];
    const sampler = setInterval(() => phase === "open" && samples.push(rssBytes(server.pid)), 100);
    const result = await runWorker("load-client.ts", { ...client, requests, origin }, {
      onLine: (line) => {
        if (line.startsWith("OPENED")) {
          phase = "open";
          // Idle viewers only: a collection pauses the server, which would show in latencies.
          if (client.holdMs !== undefined) held = server.memory();
        }
        if (line.startsWith("DONE")) phase = "done";
      },
    });
    clearInterval(sampler);
    const cpuUs = cpuMicros(server.pid) - cpu0;
    const used = (m) => m.heapUsed + m.external;
    const heldKB = held ? (used(await held) - used(memory0)) / 1024 / client.streams : undefined;
    // What finished streams leave behind (runs stay in memory for RUN_TTL_MS, for replay).
    const retainedKB = (used(await server.memory()) - used(memory0)) / 1024 / client.streams;
    samples.sort((a, b) => a - b);
    const rssMedian = samples.length ? samples[Math.floor(samples.length / 2)] : NaN;
    const rssPeak = samples.length ? samples[samples.length - 1] : NaN;
    return {
      ...result,
      stretchAlone: alone?.stretch.max,
      serverCpuMs: cpuUs / 1000,
      cpuPerEventUs: result.delivered ? cpuUs / result.delivered : NaN,
      rssBaselineMB: rss0 / 2 ** 20,
      rssPeakMB: rssPeak / 2 ** 20,
      rssPerStreamKB: (rssMedian - rss0) / 1024 / client.streams,
      rssPeakPerStreamKB: (rssPeak - rss0) / 1024 / client.streams,
      heapPerHeldStreamKB: heldKB,
      heapRetainedPerStreamKB: retainedKB,
    };
  } catch (error) {
    if (server.exitCode() !== null) {
      throw new Error(
        `The server exited (${server.exitCode()}) during the run; its last output:\n${
          server.output().slice(-3000)
        }`,
      );
    }
    throw error;
  } finally {
    await server.stop();
  }
}

async function runScenario(name, quick) {
  const s = SCENARIOS[name];
  const streams = quick ? s.quick : s.streams;
  const timeoutMs = quick ? 30_000 : 120_000;
  const base = { streams, timeoutMs, openPerSec: s.openPerSec };
  if (s.idle) {
    const runs = Math.max(1, Math.round(streams / 100));
    const holdMs = quick ? 1500 : 3000;
    const real = !hasServer() ? undefined : await measure(
      // Runs wait for their first token the whole time, and keep running when no viewer is attached.
      () => startServer({ SCRIPTED_FIRST_TOKEN_MS: "600000", ORPHAN_GRACE_MS: "600000" }),
      { ...base, holdMs },
      {
        async prepare(origin) {
          const ids = [];
          for (let i = 0; i < runs; i++) ids.push(await createRun(origin, `hello ${i}`));
          return ids.map((id) => ({ method: "GET", path: `/api/runs/${id}/stream` }));
        },
      },
    );
    const floor = await measure(startFloor, {
      ...base,
      holdMs,
      requests: [{ method: "GET", path: "/idle" }],
    });
    return { name, title: s.title, streams, real, floor };
  }
  const { request, charsPerSec } = paced(quick ? s.quickRequest ?? s.request : s.request, s.rate);
  const warmup = { streams: 10, timeoutMs: 1500, requests: [request] };
  const real = !hasServer() ? undefined : await measure(
    () =>
      startServer({
        SCRIPTED_CHARS_PER_SEC: String(charsPerSec),
        SCRIPTED_FIRST_TOKEN_MS: "0",
        FLUSH_MS: "1000",
      }),
    { ...base, requests: [request], schedule: { firstMs: 0, charsPerSec } },
    { warmup, solo: true },
  );
  // The floor sends as many chunks per stream as the real server did, at the nominal rate.
  const chunks = real?.completed ? Math.round(real.contentChunks / real.completed) : s.rate * 10;
  const floorRequest = { method: "GET", path: `/stream?chunks=${chunks}&rate=${s.rate}&first=0` };
  const floor = await measure(
    startFloor,
    { ...base, requests: [floorRequest], schedule: { firstMs: 0, chunksPerSec: s.rate } },
    { warmup: { ...warmup, requests: [floorRequest] } },
  );
  // The peer (AI SDK UI message stream) at the same rates, with the same chunk count.
  const peerClient = { ...base, requests: [floorRequest], format: "ui-message" };
  const peer = s.peer
    ? await measure(
      startPeer,
      { ...peerClient, schedule: { firstMs: 0, chunksPerSec: s.rate } },
      { warmup: { ...warmup, requests: [floorRequest], format: "ui-message" } },
    )
    : undefined;
  return {
    name,
    title: s.title,
    streams,
    rate: s.rate,
    charsPerSec,
    chunksPerStream: chunks,
    real,
    floor,
    peer,
  };
}

/** Warns when the open-file limit (inherited by server and client) is too low for `streams`. */
function checkFileLimit(streams) {
  const limit = Number(
    /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1],
  );
  if (limit < streams + 1000) {
    console.warn(
      `The open-file limit is ${limit}; ${streams} streams need more: run \`ulimit -n ${
        streams + 4000
      }\` first`,
    );
  }
}

function hasServer() {
  return existsSync(`${root}server/main.ts`);
}

async function createRun(origin, message) {
  const { method, path, body } = startRun(message);
  const response = await fetch(origin + path, {
    method,
    body,
    headers: { "content-type": "application/json" },
  });
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()).runId;
}

const ROWS = [
  ["delivered / expected", (r) => `${r.delivered}/${r.expected}`],
  ["completed streams", (r) => `${r.completed}/${r.streams}`],
  ["errors", (r) => r.errors],
  ["first event after request p50 ms", (r) => r.firstEventMs.p50],
  ["first event after request p99 ms", (r) => r.firstEventMs.p99],
  ["chunk latency p50 ms", (r) => r.latencyMs.p50],
  ["chunk latency p99 ms", (r) => r.latencyMs.p99],
  ["chunk latency max ms", (r) => r.latencyMs.max],
  ["stretch p50", (r) => r.stretch.p50],
  ["stretch max", (r) => r.stretch.max],
  ["stretch of one stream alone", (r) => r.stretchAlone],
  ["chunks/s per stream p50", (r) => r.chunksPerSec.p50],
  ["server CPU µs/event", (r) => r.cpuPerEventUs],
  ["server RSS KB/stream", (r) => r.rssPerStreamKB],
  ["server RSS KB/stream peak", (r) => r.rssPeakPerStreamKB],
  ["heap KB/viewer held (after GC)", (r) => r.heapPerHeldStreamKB],
  ["heap KB/stream kept after, GC", (r) => r.heapRetainedPerStreamKB],
  ["wire B / payload B", (r) => r.wirePerPayloadByte],
  ["client CPU ms", (r) => r.clientCpuMs],
];

function report(result) {
  const { real, floor, peer } = result;
  console.log(
    `\n${result.title}${
      result.rate
        ? ` (${result.charsPerSec} chars/s; floor ${result.chunksPerStream} chunks/stream)`
        : ""
    }`,
  );
  const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b ? round(a / b) : "");
  printTable(
    ["measure", "server", "floor", "server/floor", "peer", "server/peer"],
    ROWS.map(([label, get]) => {
      const r = real && get(real);
      const f = get(floor);
      const p = peer && get(peer);
      return [label, round(r), round(f), ratio(r, f), round(p), ratio(r, p)];
    }),
  );
  if (!real) return console.log("(server/main.ts not found: floor only)");
  const goals = [...GOALS[result.name], ...(result.name === "idle" ? [] : FLOOR_GOALS)].map(
    ([label, get, ok]) => {
      const value = get(real, floor);
      return {
        goal: label,
        value: typeof value === "number" ? round(value) : value,
        met: ok(value),
      };
    },
  );
  result.goals = goals;
  printTable(
    ["goal", "measured", "met"],
    goals.map((g) => [g.goal, g.value, g.met ? "yes" : "NO"]),
  );
}

/** Runs the named scenarios (all when none) and writes bench/results/server-load.json. */
export async function main(args) {
  const quick = args.includes("--quick");
  const names = args.filter((a) => !a.startsWith("--"));
  const chosen = names.length ? names : Object.keys(SCENARIOS);
  checkFileLimit(
    Math.max(
      ...chosen.map((name) => (quick ? SCENARIOS[name]?.quick : SCENARIOS[name]?.streams) ?? 0),
    ),
  );
  const results = [];
  for (const name of chosen) {
    if (!SCENARIOS[name]) {
      throw new Error(`Unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(", ")}`);
    }
    const result = await runScenario(name, quick);
    report(result);
    results.push(result);
  }
  console.log(
    `\nwrote ${
      writeResult(quick ? "server-load-quick" : "server-load", { quick, scenarios: results })
    }`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
