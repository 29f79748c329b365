// `npm run bench`: every benchmark in turn, or the named parts, e.g. `node bench/run.mjs server`.
// `--quick` runs small versions (a few seconds each) to check the harness.
//
//   node bench/run.mjs [--quick] [bundle|server|fanout|cluster|resume|render|wire …]
import { main as bundle } from "./bundle.mjs";
import { main as cluster } from "./cluster.mjs";
import { main as fanout } from "./fanout.mjs";
import { main as render } from "./render.mjs";
import { main as resume } from "./resume.mjs";
import { main as serverLoad } from "./server-load.mjs";
import { main as wire } from "./wire.mjs";

const PARTS = { bundle, server: serverLoad, fanout, cluster, resume, render, wire };

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const names = args.filter((a) => !a.startsWith("--"));
for (const name of names) {
  if (!PARTS[name]) {
    console.error(`Unknown part "${name}"; parts: ${Object.keys(PARTS).join(", ")}`);
    process.exit(2);
  }
}
const started = Date.now();
// A part that fails is reported and the others still run; the exit code tells.
const failed = [];
for (const name of names.length ? names : Object.keys(PARTS)) {
  console.log(`\n=== ${name} ===`);
  try {
    await PARTS[name](flags);
  } catch (error) {
    console.error(`${name} failed: ${error.stack ?? error}`);
    failed.push(name);
  }
}
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nbench finished in ${seconds} s; results in bench/results/`);
if (failed.length) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exitCode = 1;
}
