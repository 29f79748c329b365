// Starts the real Deno server as a child process on a free port and resolves with its origin once it prints
// `LISTENING http://…`. Used by the browser suite and the end-to-end test.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Settings that make the scripted model fast enough for tests while still streaming. */
export const TEST_SERVER_ENV = {
  PORT: "0",
  DATA_DIR: ":memory:",
  LLM_PROVIDER: "scripted",
  SCRIPTED_CHARS_PER_SEC: "20000",
  SCRIPTED_FIRST_TOKEN_MS: "0",
  DEMO_CONTROLS: "true",
  RATE_LIMIT_PER_MIN: "100000",
  MAX_RUNS_PER_CLIENT: "100000",
  MAX_VIEWERS_PER_CLIENT: "100000",
};

/** Spawns `deno run server/main.ts`; returns `{origin, stop(signal = "SIGTERM")}`. */
export function startDenoServer({ env = {}, log = () => {} } = {}) {
  const child = spawn(`${root}node_modules/.bin/deno`, ["run", "-A", `${root}server/main.ts`], {
    cwd: root,
    env: { ...process.env, ...TEST_SERVER_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = (signal = "SIGTERM") =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill(signal);
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`Server did not start within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk) => {
      const text = chunk.toString();
      log(text);
      output += text;
      const match = /LISTENING (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ origin: match[1], stop, child });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Server exited with ${code} before listening:\n${output}`));
    });
  });
}
