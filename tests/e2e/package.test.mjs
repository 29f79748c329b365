// The package as a host app gets it: `npm pack`, the tarball installed into a scratch React +
// TypeScript app in a temporary folder, `tsc` over code that uses the elements, their attributes
// and `event.detail`, an esbuild bundle of it, and a workflow rendered in Chromium from another
// origin than the API's (CORS_ORIGINS), with no console warning or error.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { startDenoServer } from "../../scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const STEP_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 20_000;

let scratch;
let tarball;
let page;
let server;
let browser;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "stream-widgets-host-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", scratch], {
    cwd: root,
    timeout: STEP_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
  tarball = { path: join(scratch, result.filename), files: result.files.map((f) => f.path) };
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => (page ? page.close(resolve) : resolve()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the tarball holds the bundles, their declarations and the manifest, and no server", () => {
  assert.deepEqual(tarball.files.filter((f) => !f.endsWith(".map")).sort(), [
    "README.md",
    "dist/custom-elements.json",
    "dist/react.d.ts",
    "dist/react.js",
    "dist/stream-widgets.d.ts",
    "dist/stream-widgets.js",
    "dist/stream-widgets.min.js",
    "dist/testing.d.ts",
    "dist/testing.js",
    "package.json",
  ]);
});

test("a React + TypeScript host type-checks, bundles and renders a workflow", async () => {
  const app = join(scratch, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "host", private: true, type: "module" }),
  );
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    tarball.path,
    "react@19",
    "react-dom@19",
    "@types/react@19",
    "@types/react-dom@19",
    "typescript@~5.9",
  ], { cwd: app, timeout: STEP_TIMEOUT_MS });
  copyFileSync(`${root}tests/e2e/package-app/app.tsx`, join(app, "src/app.tsx"));
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "bundler",
        lib: ["ES2023", "DOM", "DOM.Iterable"],
        jsx: "react-jsx",
        strict: true,
        noEmit: true,
        // The package's declarations are checked too, with everything they import.
        skipLibCheck: false,
      },
      include: ["src"],
    }),
  );
  const tsc = await run(
    process.execPath,
    [join(app, "node_modules/typescript/bin/tsc"), "-p", app],
    {
      cwd: app,
      timeout: STEP_TIMEOUT_MS,
    },
  ).catch((error) => error);
  assert.equal(tsc.stdout, "", "tsc reports no error");
  assert.equal(tsc.code ?? 0, 0);

  await esbuild.build({
    absWorkingDir: app,
    entryPoints: [join(app, "src/app.tsx")],
    bundle: true,
    format: "esm",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"development"' },
    outfile: join(app, "public/app.js"),
    logLevel: "error",
  });
  writeFileSync(
    join(app, "public/index.html"),
    '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/app.js"></script>',
  );

  // The host page and the API on two origins.
  page = createServer((request, response) => {
    const file = request.url === "/app.js" ? "app.js" : "index.html";
    response.setHeader("content-type", file.endsWith(".js") ? "text/javascript" : "text/html");
    response.end(readFileSync(join(app, "public", file)));
  });
  await new Promise((resolve) => page.listen(0, "127.0.0.1", resolve));
  const pageOrigin = `http://127.0.0.1:${page.address().port}`;
  server = await startDenoServer({ env: { CORS_ORIGINS: pageOrigin } });

  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const tab = await browser.newPage();
  const problems = [];
  tab.on("console", (message) => {
    if (message.type() === "warning" || message.type() === "error") problems.push(message.text());
  });
  tab.on("pageerror", (error) => problems.push(error.message));
  await tab.goto(`${pageOrigin}/?api=${encodeURIComponent(server.origin)}`);
  await tab.waitForFunction(() => globalThis.seen?.done !== undefined, null, {
    timeout: RUN_TIMEOUT_MS,
  })
    .catch(async () => {
      const seen = await tab.evaluate(() => ({
        ...globalThis.seen,
        view: document.querySelector("stream-provider")?.view,
      }));
      assert.fail(`No stream-done: ${JSON.stringify({ seen, problems })}`);
    });

  const seen = await tab.evaluate(() => globalThis.seen);
  assert.deepEqual(seen.done, { finishReason: "stop", verified: true });
  assert.deepEqual([seen.statuses[0], seen.statuses.at(-1)], ["connecting", "done"]);
  assert.equal(await tab.textContent("#status"), "done");
  const stages = await tab.$$eval(
    "reasoning-panel",
    ([panel]) => [...panel.shadowRoot.querySelectorAll('[part~="section"]')].length,
  );
  assert.equal(stages, 4);
  assert.deepEqual(problems, []);
});

test("custom-elements.json lists the three elements with attributes, events, parts and properties", () => {
  const manifest = JSON.parse(readFileSync(`${root}dist/custom-elements.json`, "utf8"));
  const elements = Object.fromEntries(
    manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName)
      .map((d) => [d.tagName, d]),
  );
  const names = (list) => (list ?? []).map((item) => item.name);
  const includes = (list, expected, what) =>
    assert.deepEqual(expected.filter((name) => !names(list).includes(name)), [], what);
  assert.deepEqual(Object.keys(elements).sort(), [
    "chat-stream",
    "reasoning-panel",
    "stream-provider",
  ]);

  const provider = elements["stream-provider"];
  includes(provider.attributes, [
    "src",
    "autostart",
    "transport",
    "max-retries",
    "retry-base-ms",
    "retry-max-ms",
    "stall-ms",
    "resume-key",
    "api-base",
  ], "provider attributes");
  assert.deepEqual(
    provider.events.map((e) => [e.name, e.type.text]),
    [
      ["stream-status", "StreamStatusEvent"],
      ["stream-event", "StreamEventEvent"],
      ["stream-done", "StreamDoneEvent"],
      ["stream-error", "StreamErrorEvent"],
    ],
  );
  includes(provider.members, [
    "start",
    "attach",
    "send",
    "cancel",
    "disconnect",
    "retry",
    "reset",
    "headers",
  ], "methods");

  const theme = [
    "--stream-font",
    "--stream-fg",
    "--stream-bg",
    "--stream-muted",
    "--stream-accent",
    "--stream-danger",
    "--stream-radius",
    "--stream-gap",
  ];
  const panel = elements["reasoning-panel"];
  includes(panel.attributes, ["stage"], "panel attributes");
  includes(panel.cssParts, [
    "base",
    "section",
    "title",
    "progress",
    "content",
    "error",
    "retry-button",
  ], "panel parts");
  includes(panel.cssProperties, [...theme, "--reasoning-panel-section-border"], "panel properties");
  const chat = elements["chat-stream"];
  includes(chat.attributes, ["composer"], "chat attributes");
  includes(
    chat.cssParts,
    ["log", "message", "typing", "stop-button", "composer", "send-button"],
    "chat parts",
  );
  includes(chat.cssProperties, [...theme, "--chat-stream-height"], "chat properties");
  for (const element of [panel, chat]) {
    assert.deepEqual(element.events ?? [], [], "panels fire none");
  }
});
