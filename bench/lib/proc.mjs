// Process plumbing for the orchestrators: the floor server, Deno workers, /proc readings, results.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../..", import.meta.url));
/** The Deno binary npm installed. */
export const deno = `${root}node_modules/.bin/deno`;

// Linux reports utime/stime in clock ticks of 1/100 s (CLK_TCK).
const TICK_US = 10_000;

/** CPU time (user + system, all threads) of a process in microseconds. */
export function cpuMicros(pid) {
  const stat = readProc(pid, "stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid) {
  const status = readProc(pid, "status");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    throw new Error(`Process ${pid} is gone (it exited during the benchmark)`);
  }
}

/** Resolves after `ms`. */
export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns a Deno program (or `command`) that prints `LISTENING http://…`; resolves
 * `{origin, pid, stop()}`. Output is kept (the last 20 KB) for error reports.
 */
export function startListening(args, { env = {}, timeoutMs = 30_000, command = deno } = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${args.join(" ")} did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = /LISTENING (http:\/\/\S+)/.exec(output);
      if (match && timer) {
        clearTimeout(timer);
        resolve({
          origin: match[1],
          pid: child.pid,
          stop,
          output: () => output,
          exitCode: () => child.exitCode ?? child.signalCode,
          memory: () => probeMemory(child),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited with ${code} before listening:\n${output}`));
    });
  });
}

/**
 * Asks a server started with the memory probe (bench/lib/memory-signal.ts) to collect garbage
 * and report `Deno.memoryUsage()`; resolves with it.
 */
function probeMemory(child) {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => done(new Error("No MEMORY line within 10 s")), 10_000);
    const onData = (chunk) => {
      text += chunk.toString();
      const match = /MEMORY (\{.*?\})\n/.exec(text);
      if (match) done(undefined, JSON.parse(match[1]));
    };
    function done(error, value) {
      clearTimeout(timer);
      child.stderr.off("data", onData);
      error ? reject(error) : resolve(value);
    }
    child.stderr.on("data", onData);
    child.kill("SIGUSR2");
  });
}

const EXPOSE_GC = "--v8-flags=--expose-gc";

/** Starts the floor server. */
export function startFloor() {
  return startListening([
    "run",
    EXPOSE_GC,
    "--allow-net",
    "--allow-read",
    `${root}bench/floor-server.ts`,
  ]);
}

/** Starts the peer: the AI SDK's UI message stream on Node (bench/peer-server.mjs). */
export function startPeer() {
  return startListening(["--expose-gc", `${root}bench/peer-server.mjs`], {
    command: process.execPath,
  });
}

/**
 * The checkout whose server is measured: this one, or `BENCH_SERVER_ROOT` to measure a change
 * (another checkout or a patched copy) with the same harness, for before/after figures.
 */
const serverRoot = process.env.BENCH_SERVER_ROOT
  ? `${process.env.BENCH_SERVER_ROOT.replace(/\/$/, "")}/`
  : root;

/** Env the real server runs with in every benchmark: no storage on disk, limits out of the way. */
export const BENCH_SERVER_ENV = {
  PORT: "0",
  HOST: "127.0.0.1",
  DATA_DIR: ":memory:",
  LLM_PROVIDER: "scripted",
  RATE_LIMIT_PER_MIN: "1000000",
  MAX_CONCURRENT_RUNS: "100000",
  // Every load client is 127.0.0.1: the per-client caps would measure themselves.
  MAX_RUNS_PER_CLIENT: "100000",
  MAX_VIEWERS_PER_CLIENT: "100000",
  // A viewer that leaves ends its run at once, so a warm-up's runs stop consuming CPU.
  ORPHAN_GRACE_MS: "0",
};

/**
 * Starts the real server (server/main.ts through bench/server-entry.ts, which adds the memory
 * probe) with the bench env plus `env`; with
 * `profile: {ms, out}` it runs under the CPU profiler (bench/profile-server.ts).
 */
export function startServer(env = {}, { profile } = {}) {
  const main = `${serverRoot}server/main.ts`;
  const entry = profile ? `${root}bench/profile-server.ts` : `${root}bench/server-entry.ts`;
  const entryEnv = profile
    ? { PROFILE_MS: String(profile.ms), PROFILE_OUT: profile.out, PROFILE_SERVER: main }
    : { BENCH_SERVER_MAIN: main };
  return startListening(["run", EXPOSE_GC, "-A", entry], {
    env: { ...BENCH_SERVER_ENV, ...env, ...entryEnv },
  });
}

/**
 * Runs a Deno worker script with one JSON argument; resolves its JSON stdout. `onLine` sees each
 * stderr progress line (`OPENED n`, …). The worker's own CPU time is added as `clientCpuMs`.
 */
export function runWorker(script, config, { onLine = () => {} } = {}) {
  const child = spawn(deno, ["run", "-A", `${root}bench/${script}`, JSON.stringify(config)], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let cpu = 0;
  const sampler = setInterval(() => {
    try {
      cpu = cpuMicros(child.pid);
    } catch {
      // Exited between ticks.
    }
  }, 200);
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    const before = stderr.length;
    stderr += chunk;
    for (
      const line of stderr.slice(stderr.lastIndexOf("\n", before) + 1).split("\n").slice(0, -1)
    ) onLine(line);
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      clearInterval(sampler);
      if (code !== 0) {
        return reject(new Error(`${script} exited with ${code}:\n${stderr.slice(-4000)}`));
      }
      try {
        resolve({ ...JSON.parse(stdout), clientCpuMs: cpu / 1000 });
      } catch {
        reject(
          new Error(`${script} printed no JSON:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`),
        );
      }
    });
  });
}

/** Writes `bench/results/<part>.json`, or `<part>-<BENCH_TAG>.json` to keep a variant apart. */
export function writeResult(part, result) {
  mkdirSync(`${root}bench/results`, { recursive: true });
  const tag = process.env.BENCH_TAG ? `-${process.env.BENCH_TAG}` : "";
  const file = `${root}bench/results/${part}${tag}.json`;
  writeFileSync(file, JSON.stringify({ part, at: new Date().toISOString(), ...result }, null, 2));
  return file;
}

/** Prints rows (arrays of cells) as an aligned text table under a header row. */
export function printTable(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell ?? "")));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(line(cells[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells.slice(1)) console.log(line(row));
}
