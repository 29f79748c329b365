// End-to-end behind a real nginx (Debian's nginx-light): the elements, embedded in a page served through the
// proxy, read runs of the real server. Through a proxy that buffers whatever `X-Accel-Buffering` says
// (`proxy_ignore_headers X-Accel-Buffering`, buffering on) the first words show within 3 s — the provider
// finds the path holding the stream back and goes on by long-poll — and the run ends verified; through nginx's
// default configuration, which honours the header, the provider stays on SSE. Run `npm run build` first when
// running it alone. nginx and the server are stopped in `after`, whatever happened.
//
// The server sends gzip-encoded streams (SSE_COMPRESSION, flushed after every event); a second server with it
// off, behind the same two proxies, shows that first words arrive no later with compression, through either proxy
// and straight from the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";
import { startDenoServer } from "../../scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";
import { ensureNginx } from "../../scripts/ensure-nginx.mjs";

/** The scripted model at its default, LLM-like pace: a workflow run lasts long enough for a buffer to matter. */
const SERVER_ENV = { SCRIPTED_CHARS_PER_SEC: "240", SCRIPTED_FIRST_TOKEN_MS: "400" };
/** A chat reply is short: at this pace it streams for several seconds, as a slower model's would. */
const CHAT_PACE = 80;
const FIRST_WORDS_MS = 3000;
/** How much later first words may come with compression and still count as the same: one run's noise here. */
const NOISE_MS = 300;
const RUN_TIMEOUT_MS = 60_000;

/**
 * A proxy that ignores `X-Accel-Buffering` and holds responses until 64 KB have collected, as some corporate
 * and hospital proxies do: at this pace a workflow's first bytes pass after about 9 s, then in 64 KB bursts.
 * (With nginx's default 4 KB buffers the same settings pass a burst about every half second.) nginx talks
 * HTTP/1.0 to the server, its default: over HTTP/1.1 it passes each chunk of a chunked body as it comes.
 */
const BUFFERING = `proxy_buffering on;
      proxy_ignore_headers X-Accel-Buffering;
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
      proxy_busy_buffers_size 64k;`;

const dir = mkdtempSync(`${tmpdir()}/nginx-e2e-`);
const proxies = [];
let server;
/** The same server with SSE_COMPRESSION=off, and its two proxies. */
let plainServer;
const plainProxies = [];
let browser;

before(async () => {
  const nginx = ensureNginx();
  server = await startDenoServer({ env: SERVER_ENV });
  plainServer = await startDenoServer({ env: { ...SERVER_ENV, SSE_COMPRESSION: "off" } });
  proxies.push(
    await startNginx(nginx, "buffering", BUFFERING),
    await startNginx(nginx, "default", ""),
  );
  plainProxies.push(
    await startNginx(nginx, "buffering-plain", BUFFERING, plainServer),
    await startNginx(nginx, "default-plain", "", plainServer),
  );
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await Promise.all([...proxies, ...plainProxies].map((proxy) => proxy.stop()));
  await server?.stop();
  await plainServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A free TCP port on the loopback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts nginx in the foreground from a config in the temp folder; resolves once it accepts requests. */
async function startNginx(nginx, name, extra, target = server) {
  const port = await freePort();
  const upstream = new URL(target.origin);
  const prefix = `${dir}/${name}`;
  const config = `${prefix}.conf`;
  writeFileSync(
    config,
    `daemon off;
worker_processes 1;
pid ${prefix}.pid;
error_log ${prefix}-error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${prefix}-client;
  proxy_temp_path ${prefix}-proxy;
  fastcgi_temp_path ${prefix}-fastcgi;
  uwsgi_temp_path ${prefix}-uwsgi;
  scgi_temp_path ${prefix}-scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstream.port};
      proxy_set_header Host $http_host;
      ${extra}
    }
  }
}
`,
  );
  const child = spawn(nginx, ["-c", config, "-p", dir], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx (${name}) exited: ${stderr}`);
    const up = await fetch(`${origin}/api/health`).then((r) => r.ok, () => false);
    if (up) return { origin, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx (${name}) did not answer within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A host page on the proxy's origin that embeds the three elements from the bundle the proxy serves. */
const HOST_PAGE = `<!doctype html><html lang="en"><body>
<stream-provider id="provider" buffer-detect-ms="BUFFER_DETECT_MS">
  <reasoning-panel></reasoning-panel>
  <chat-stream></chat-stream>
</stream-provider>
<script type="module" src="/dist/stream-widgets.js"></script>
</body></html>`;

/**
 * Opens the host page through `proxy`, starts work with `start` (run in the page, given the provider) and
 * resolves with when the first words were visible, how the run ended, the transports it reported and the text
 * the elements show against the server's.
 */
async function runThrough(proxy, start, { bufferDetectMs = 2000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // How each SSE response was encoded on its way to the browser.
  const encodings = [];
  page.on("response", (response) => {
    const headers = response.headers();
    if (headers["content-type"]?.startsWith("text/event-stream")) {
      encodings.push(headers["content-encoding"] ?? "none");
    }
  });
  try {
    await page.route(`${proxy.origin}/host.html`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: HOST_PAGE.replace("BUFFER_DETECT_MS", String(bufferDetectMs)),
      }));
    await page.goto(`${proxy.origin}/host.html`);
    await page.waitForFunction(() => customElements.get("stream-provider"));
    const result = await page.evaluate(
      async ({ start, timeoutMs }) => {
        const provider = document.getElementById("provider");
        /** Every text node under the provider, shadow roots included. */
        const shown = () => {
          const out = [];
          const walk = (node) => {
            if (node.nodeType === Node.TEXT_NODE) out.push(node.textContent);
            if (node.nodeName === "STYLE") return;
            if (node.shadowRoot) walk(node.shadowRoot);
            for (const child of node.childNodes) walk(child);
          };
          walk(provider);
          return out.join(" ");
        };
        const modelText = () =>
          [...provider.view.sections.reasoning, ...provider.view.sections.chat].map((s) => s.text)
            .join(" ");
        // The transports the view named, in order, and those `stream-status` reported.
        const transports = [];
        const reported = [];
        const note = (list, transport) => {
          if (transport && list.at(-1) !== transport) list.push(transport);
        };
        provider.addEventListener(
          "stream-status",
          (event) => note(reported, event.detail.transport),
        );
        let ended = false;
        const done = new Promise((resolve, reject) => {
          provider.addEventListener("stream-done", (event) => resolve(event.detail));
          setTimeout(() => reject(new Error(`No stream-done within ${timeoutMs} ms`)), timeoutMs);
        }).finally(() => (ended = true));
        const started = performance.now();
        let firstWordsMs;
        const watch = () => {
          note(transports, provider.view.transport);
          const word = /[\p{L}\p{N}]{3,}/u.exec(modelText())?.[0];
          if (firstWordsMs === undefined && word && shown().includes(word)) {
            firstWordsMs = performance.now() - started;
          }
          // Text held back to the end arrives with stream-done: keep looking until it shows.
          if (!ended || firstWordsMs === undefined) requestAnimationFrame(watch);
        };
        requestAnimationFrame(watch);
        await new Function("provider", `return (${start})(provider)`)(provider);
        const { finishReason, verified } = await done;
        while (firstWordsMs === undefined) {
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        const runId = provider.view.runId;
        const server = await (await fetch(`/api/runs/${runId}`)).json();
        return {
          firstWordsMs,
          finishReason,
          verified,
          transports,
          reported,
          view: {
            reasoning: provider.view.sections.reasoning.map((s) => s.text).join(""),
            chat: provider.view.sections.chat.map((s) => s.text).join(""),
          },
          server: server.panels,
        };
      },
      { start: start.toString(), timeoutMs: RUN_TIMEOUT_MS },
    );
    return { ...result, encodings };
  } finally {
    await context.close();
  }
}

/** A chat question: `POST /api/chat/messages` names the run, then the provider attaches. */
const askChat = (provider) => provider.send("Summarise the key risks for this patient");

/** A workflow over a catalog case: `POST /api/runs` names the run, then the provider attaches. */
async function analyseCase(provider) {
  const record = await (await fetch("/api/cases/chest-pain-acs")).json();
  const response = await fetch("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "clinical-review", input: record }),
  });
  if (response.status !== 201) {
    throw new Error(`POST /api/runs: ${response.status} ${await response.text()}`);
  }
  provider.attach((await response.json()).runId);
}

const [buffering, plain] = [() => proxies[0], () => proxies[1]];

/** Sets the scripted model's pace through the demo controls, straight at the server. */
async function setPace(charsPerSec, target = server) {
  const response = await fetch(`${target.origin}/api/demo/pace`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ charsPerSec }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

/** Runs a chat question at the chat pace, then puts the default pace back. */
async function chatThrough(proxy, options, target = server) {
  await setPace(CHAT_PACE, target);
  try {
    return await runThrough(proxy, askChat, options);
  } finally {
    await setPace(Number(SERVER_ENV.SCRIPTED_CHARS_PER_SEC), target);
  }
}

const WORK = [
  ["a chat reply", (proxy, options) => chatThrough(proxy, options)],
  ["a workflow run", (proxy, options) => runThrough(proxy, analyseCase, options)],
];

for (const [what, run] of WORK) {
  test(`through a buffering proxy, ${what} shows its first words within 3 s by long-poll, verified`, async () => {
    const result = await run(buffering());
    console.log(
      `buffering nginx, ${what}: first words after ${Math.round(result.firstWordsMs)} ms`,
    );
    assert.deepEqual([result.finishReason, result.verified], ["stop", true]);
    assert.deepEqual(result.view, result.server, "the elements show exactly the server's text");
    assert.deepEqual(result.transports, ["fetch", "poll"], "the view shows the switch");
    assert.equal(result.reported.at(-1), "poll", "stream-status reports it");
    assert.ok(result.firstWordsMs <= FIRST_WORDS_MS, `first words after ${result.firstWordsMs} ms`);
  });
}

test("through a buffering proxy, a stream left on SSE shows nothing for longer than 3 s", async () => {
  // The control: the same path without detection holds the first words back, so the test above measures a
  // path that really buffers.
  const result = await chatThrough(buffering(), { bufferDetectMs: 600_000 });
  console.log(
    `buffering nginx, no detection: first words after ${Math.round(result.firstWordsMs)} ms`,
  );
  assert.deepEqual([result.finishReason, result.verified], ["stop", true]);
  assert.deepEqual(result.transports, ["fetch"]);
  assert.ok(result.firstWordsMs > FIRST_WORDS_MS, `first words after ${result.firstWordsMs} ms`);
});

test("through nginx's default configuration, the provider stays on SSE", async () => {
  const result = await runThrough(plain(), analyseCase);
  console.log(`default nginx: first words after ${Math.round(result.firstWordsMs)} ms`);
  assert.deepEqual([result.finishReason, result.verified], ["stop", true]);
  assert.deepEqual(result.view, result.server);
  assert.deepEqual(result.transports, ["fetch"]);
  assert.ok(result.firstWordsMs <= FIRST_WORDS_MS, `first words after ${result.firstWordsMs} ms`);
});

/**
 * Where a stream can be read, as [path, the server behind it], with compression on and off; and whether the
 * path holds the stream's head back too (the buffering proxy: the provider goes on by long-poll before it comes).
 */
const PATHS = [
  ["straight from the server", () => [server, server], () => [plainServer, plainServer], false],
  [
    "through nginx's default configuration",
    () => [proxies[1], server],
    () => [plainProxies[1], plainServer],
    false,
  ],
  [
    "through a buffering proxy",
    () => [proxies[0], server],
    () => [plainProxies[0], plainServer],
    true,
  ],
];

for (const [where, gzipped, plain, held] of PATHS) {
  test(`${where}, a gzip-encoded stream shows its first words no later than a plain one`, async () => {
    const [gzipPath, gzipServer] = gzipped();
    const [plainPath, plainTarget] = plain();
    const withGzip = await chatThrough(gzipPath, {}, gzipServer);
    const without = await chatThrough(plainPath, {}, plainTarget);
    console.log(
      `${where}: first words after ${Math.round(withGzip.firstWordsMs)} ms with gzip, ` +
        `${Math.round(without.firstWordsMs)} ms without`,
    );
    assert.deepEqual([withGzip.finishReason, withGzip.verified], ["stop", true]);
    assert.deepEqual(
      withGzip.view,
      withGzip.server,
      "decoded through gzip, the text is the server's",
    );
    assert.deepEqual(
      [withGzip.encodings[0], without.encodings[0]],
      held ? [undefined, undefined] : ["gzip", "none"],
      "how the streams reached the browser",
    );
    assert.ok(
      withGzip.firstWordsMs <= without.firstWordsMs + NOISE_MS,
      `${withGzip.firstWordsMs} ms with gzip, ${without.firstWordsMs} ms without`,
    );
  });
}
