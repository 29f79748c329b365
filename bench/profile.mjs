// Profile: one load scenario against the real server running under the V8 CPU profiler; prints
// where the server's CPU time goes, by function and by file. Open the .cpuprofile in DevTools.
//
//   node bench/profile.mjs [--quick] [scenario]      (default 1000x20; --quick: 50 streams)
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { delay, printTable, root, runWorker, startServer } from "./lib/proc.mjs";
import { paced, SCENARIOS } from "./server-load.mjs";

/** Profiles one scenario and writes bench/results/profile-<scenario>.cpuprofile(.json). */
export async function main(args) {
  const quick = args.includes("--quick");
  const name = args.find((a) => !a.startsWith("--")) ?? "1000x20";
  const s = SCENARIOS[name];
  if (!s || s.idle) {
    throw new Error(`Profile needs a streaming scenario: ${Object.keys(SCENARIOS).join(", ")}`);
  }
  const streams = quick ? Math.min(50, s.streams) : s.streams;
  const { request, charsPerSec } = paced(s.request, s.rate);
  const out = `${root}bench/results/profile-${name}.cpuprofile`;
  const profileMs = quick ? 8000 : 20000;
  mkdirSync(`${root}bench/results`, { recursive: true });
  rmSync(`${out}.json`, { force: true });
  const server = await startServer(
    { SCRIPTED_CHARS_PER_SEC: String(charsPerSec), SCRIPTED_FIRST_TOKEN_MS: "0", FLUSH_MS: "1000" },
    { profile: { ms: profileMs, out } },
  );
  let result;
  try {
    result = await runWorker("load-client.ts", {
      origin: server.origin,
      streams,
      requests: [request],
      openPerSec: s.openPerSec,
      timeoutMs: profileMs - 500,
    });
    while (!existsSync(`${out}.json`)) await delay(200);
  } finally {
    await server.stop();
  }
  const summary = JSON.parse(readFileSync(`${out}.json`, "utf8"));
  console.log(
    `\nProfile of the server, ${streams} streams × ${s.rate} ev/s: ${summary.busyMs} ms busy, ${result.delivered} events`,
  );
  printTable(
    ["self time by file", "ms", "%"],
    summary.files.slice(0, 15).map((f) => [f.name, f.ms, f.share]),
  );
  console.log();
  printTable(
    ["self time by function", "ms", "%"],
    summary.functions.slice(0, 25).map((f) => [f.name, f.ms, f.share]),
  );
  console.log();
  printTable(
    ["inclusive time (server code)", "ms", "%"],
    summary.inclusive.slice(0, 20).map((f) => [f.name, f.ms, f.share]),
  );
  console.log(`\nwrote ${out} (open in Chrome DevTools) and ${out}.json`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
