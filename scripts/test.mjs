// `npm test`: type check and lint, `deno test`, the browser suite in headless Chromium, and the end-to-end test, in
// that order. Every suite runs even when an earlier one fails; the last line adds them all up.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./ensure-chromium.mjs";
import { build } from "./build.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const deno = `${root}node_modules/.bin/deno`;
const totals = { passed: 0, failed: 0 };
const failedSuites = [];

/** Runs a command with inherited output, also capturing it; resolves with {code, output}. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const tee = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on("data", tee(process.stdout));
    child.stderr.on("data", tee(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Adds a suite's counts; a suite that failed without reporting a failure counts one. */
function record(name, { passed, failed }, code) {
  const missed = code !== 0 && failed === 0 ? 1 : 0;
  totals.passed += passed;
  totals.failed += failed + missed;
  if (failed + missed) failedSuites.push(name);
  console.log(`\n${name}: ${passed} passed, ${failed + missed} failed\n`);
}

async function checkAndLint() {
  for (
    const [name, args] of [
      ["type check", ["check", "server", "protocol", "widgets", "tests", "demo"]],
      ["lint", ["lint"]],
    ]
  ) {
    const { code } = await run(deno, args);
    record(name, { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }, code);
  }
}

async function denoTests() {
  const { code, output } = await run(deno, ["test", "-A"]);
  const summary = [...output.matchAll(/^(?:ok|FAILED) \| (\d+) passed.*?\| (\d+) failed/gm)].at(-1);
  record(
    "deno test",
    { passed: Number(summary?.[1] ?? 0), failed: Number(summary?.[2] ?? 0) },
    code,
  );
}

async function browserTests(chromePath) {
  const resultFile = `${root}.test-results/wtr.json`;
  rmSync(resultFile, { force: true });
  const bin = `${root}node_modules/@web/test-runner/dist/bin.js`;
  const { code } = await run(process.execPath, [
    bin,
    "--config",
    "web-test-runner.config.mjs",
    "--static-logging",
  ], {
    CHROME_PATH: chromePath,
  });
  const counts = existsSync(resultFile)
    ? JSON.parse(readFileSync(resultFile, "utf8"))
    : { passed: 0, failed: 0 };
  record("browser tests", counts, code);
}

async function endToEndTests(chromePath) {
  const dir = `${root}tests/e2e`;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".test.mjs")) : [];
  if (files.length === 0) return;
  const { code, output } = await run(process.execPath, [
    "--test",
    ...files.map((f) => `${dir}/${f}`),
  ], {
    CHROME_PATH: chromePath,
  });
  const number = (label) => Number(new RegExp(`^# ${label} (\\d+)`, "m").exec(output)?.[1] ?? 0);
  record("end-to-end", { passed: number("pass"), failed: number("fail") }, code);
}

const chromePath = ensureChromium();
const bytes = await build();
console.log(`bundle: ${(bytes / 1024).toFixed(1)} KB min+gzip\n`);
await checkAndLint();
await denoTests();
await browserTests(chromePath);
await endToEndTests(chromePath);
if (failedSuites.length) console.log(`failing suites: ${failedSuites.join(", ")}`);
console.log(`total: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
