// Resume: one workflow run whose connection is cut mid-stream again and again; each time the
// client waits the server's `retry:` and resumes from its last event id.
//
//   node bench/resume.mjs [--quick]
import { printTable, runWorker, startServer, writeResult } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";
import { paced, workflow } from "./server-load.mjs";

const RATE = 20;
// A workflow run at 20 chunks/s: ~40 s, long enough for 20 cuts a retry apart.
const { request, charsPerSec } = paced(workflow, RATE);

/** Runs the resume benchmark and writes bench/results/resume.json. */
export async function main(args) {
  const quick = args.includes("--quick");
  const cuts = quick ? 3 : 20;
  const server = await startServer({
    SCRIPTED_CHARS_PER_SEC: String(charsPerSec),
    SCRIPTED_FIRST_TOKEN_MS: "0",
    FLUSH_MS: "1000",
    // The run must outlive the gaps between connections.
    ORPHAN_GRACE_MS: "30000",
  });
  let result;
  try {
    result = await runWorker("resume-client.ts", {
      origin: server.origin,
      request,
      cuts,
      chunksBetweenCuts: 10,
      timeoutMs: 120_000,
    });
  } finally {
    await server.stop();
  }
  const goal = result.retryMs + 20;
  console.log(
    `\nResume: ${result.cuts} cuts of one workflow run (${result.events} events, retry ${result.retryMs} ms)`,
  );
  printTable(["measure", "p50", "p99", "max"], [
    ["cut → first resumed event ms", ...pick(result.cutToFirstEventMs)],
    ["reconnect → first resumed event ms", ...pick(result.reconnectToFirstEventMs)],
    ["reconnect → replay complete ms", ...pick(result.replayMs)],
    ["events replayed per resume", ...pick(result.replayedEvents)],
  ]);
  const goals = [
    {
      goal: `first resumed event ≤ retry + 20 ms (${goal} ms)`,
      value: round(result.cutToFirstEventMs.max),
      met: result.cutToFirstEventMs.max <= goal,
    },
    { goal: "0 gaps", value: result.gaps, met: result.gaps === 0 },
    { goal: "0 duplicates", value: result.duplicates, met: result.duplicates === 0 },
    {
      goal: "resumed at cursor + 1 every time",
      value: result.wrongFirstSeq,
      met: result.wrongFirstSeq === 0,
    },
    { goal: "text matches the digest", value: result.textExact, met: result.textExact },
  ];
  printTable(
    ["goal", "measured", "met"],
    goals.map((g) => [g.goal, g.value, g.met ? "yes" : "NO"]),
  );
  console.log(
    `\nwrote ${writeResult(quick ? "resume-quick" : "resume", { quick, ...result, goals })}`,
  );
}

function pick(summary) {
  return [summary.p50, summary.p99, summary.max].map(round);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
