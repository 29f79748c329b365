// Browser suite: tests/browser/**/*.test.ts in Debian's headless Chromium, with `/api/*` proxied (as a stream, same
// origin) to a real Deno server started for the run.
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { chromeLauncher } from "@web/test-runner-chrome";
import { defaultReporter } from "@web/test-runner";
import { request } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDenoServer } from "./scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "./scripts/ensure-chromium.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));
let server;
/** A second server with auth on (tests/support/tokens.ts signs for it), proxied under `/authed`. */
let authServer;
const AUTH_PREFIX = "/authed";

/** The suite's Deno server, with its own workflows beside the built-in one. */
const startServer = () =>
  startDenoServer({
    env: { WORKFLOWS_DIR: `${root}tests/fixtures/workflows` },
    log: (text) => process.env.SERVER_LOG && process.stderr.write(text),
  });

/** Starts the Deno server with the dev server and stops it with it. */
const denoServerPlugin = {
  name: "deno-server",
  async serverStart() {
    [server, authServer] = await Promise.all([
      startServer(),
      startDenoServer({ env: { AUTH_JWT_SECRET: "test-secret-that-is-32-bytes-ok!" } }),
    ]);
  },
  async serverStop() {
    await Promise.all([server?.stop(), authServer?.stop()]);
  },
};

/**
 * Test commands the browser cannot do itself: restart the Deno server (a graceful `SIGTERM` or a
 * `SIGKILL`), and emulate forced colours (the commands package offers no such feature).
 */
const serverCommandsPlugin = {
  name: "server-commands",
  async executeCommand({ command, payload, session }) {
    if (command === "restart-server") {
      await server.stop(payload?.signal ?? "SIGTERM");
      server = await startServer();
      return true;
    }
    if (command === "emulate-forced-colors") {
      // Puppeteer's emulateMediaFeatures refuses forced-colors; the DevTools protocol takes it.
      // The emulation lasts as long as its protocol session: one per page, kept.
      const page = session.browser.getPage(session.id);
      page.forcedColorsSession ??= await page.createCDPSession();
      const value = payload?.active ? "active" : "none";
      await page.forcedColorsSession.send("Emulation.setEmulatedMedia", {
        features: [{ name: "forced-colors", value }],
      });
      return true;
    }
  },
};

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding"]);

/** Proxies `/api/*` to the Deno server without buffering, so SSE streams and a browser disconnect reaches it. */
function apiProxy(context, next) {
  const authed = context.url.startsWith(`${AUTH_PREFIX}/api/`);
  if (!context.url.startsWith("/api/") && !authed) return next();
  const target = authed ? authServer : server;
  const path = authed ? context.url.slice(AUTH_PREFIX.length) : context.url;
  return new Promise((resolve) => {
    const upstream = request(`${target.origin}${path}`, {
      method: context.method,
      headers: { ...context.headers, host: new URL(target.origin).host },
    }, (response) => {
      context.status = response.statusCode;
      for (const [name, value] of Object.entries(response.headers)) {
        if (!HOP_BY_HOP.has(name)) context.set(name, value);
      }
      context.body = response;
      // An upstream cut mid-stream must reach the browser as a cut, not as a quiet end of the body.
      response.on("close", () => {
        if (!response.complete) context.res.destroy();
      });
      resolve();
    });
    upstream.on("error", () => {
      if (!context.headerSent) context.status = 502;
      resolve();
    });
    // The response's close (not the request's, which fires once the body is read) marks a browser disconnect.
    context.res.on("close", () => upstream.destroy());
    context.req.pipe(upstream);
  });
}

/** Writes pass/fail counts for scripts/test.mjs, which adds up every suite. */
function countingReporter(file) {
  const count = (suite, totals) => {
    for (const test of suite?.tests ?? []) {
      if (test.skipped) continue;
      test.passed ? totals.passed++ : totals.failed++;
    }
    for (const child of suite?.suites ?? []) count(child, totals);
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0 };
      for (const session of sessions) {
        const before = totals.passed + totals.failed;
        count(session.testResults, totals);
        if (!session.passed && totals.passed + totals.failed === before) totals.failed++;
        else if (!session.passed && session.errors?.length) totals.failed++;
      }
      mkdirSync(`${root}.test-results`, { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}

export default {
  rootDir: root,
  files: ["tests/browser/**/*.test.ts"],
  nodeResolve: { exportConditions: ["production"] },
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [
    // `json`: the `testing` entry's recorded fixtures are JSON modules.
    esbuildPlugin({ ts: true, json: true, target: "es2022", tsconfig: `${root}tsconfig.json` }),
    denoServerPlugin,
    serverCommandsPlugin,
  ],
  middleware: [apiProxy],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  reporters: [defaultReporter(), countingReporter(`${root}.test-results/wtr.json`)],
};
