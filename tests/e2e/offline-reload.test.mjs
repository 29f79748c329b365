// End-to-end in Chromium: a page with `resume-key` reloaded while the network is off shows at once the text it
// had received, marked offline, and when the network comes back goes on from its cursor: the same run, no gap, no
// duplicate (the rendered text hashes to the server's digest). Run `npm run build` first when running it alone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDenoServer } from "../../scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Slow enough that the reply is still being written across the reload and the time offline. */
const SERVER_ENV = {
  SCRIPTED_CHARS_PER_SEC: "60",
  SCRIPTED_FIRST_TOKEN_MS: "0",
  ORPHAN_GRACE_MS: "60000",
};
const HOST_PAGE = `<!doctype html><html lang="en"><body>
<stream-provider id="provider" resume-key="ward-4">
  <reasoning-panel></reasoning-panel>
  <chat-stream></chat-stream>
</stream-provider>
<script type="module" src="/dist/stream-widgets.js"></script>
</body></html>`;

let server;
let browser;

before(async () => {
  server = await startDenoServer({ env: SERVER_ENV });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

/** The chat panel's reply text, shadow roots included, and whether the offline notice shows. */
function shownReply() {
  const chat = document.querySelector("chat-stream");
  const replies = [
    ...chat.shadowRoot.querySelectorAll('[part~="message-assistant"] [part~="message-content"]'),
  ];
  return {
    text: replies.map((node) => node.textContent).join(""),
    offline: chat.shadowRoot.querySelector('[part~="connection-offline"]') !== null,
  };
}

test("a page reloaded offline shows the last text, marked offline, and resumes exactly when back online", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // The page and the bundle come from the test, as from the browser's cache: the API does not.
    await page.route(
      `${server.origin}/host.html`,
      (route) => route.fulfill({ contentType: "text/html", body: HOST_PAGE }),
    );
    await page.route(`${server.origin}/dist/stream-widgets.js`, (route) =>
      route.fulfill({
        contentType: "text/javascript",
        body: readFileSync(`${root}dist/stream-widgets.js`, "utf8"),
      }));
    const streams = [];
    const posts = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith("/stream")) streams.push(request.headers()["last-event-id"] ?? "");
      if (request.method() === "POST" && url.pathname === "/api/chat/messages") {
        posts.push(url.pathname);
      }
    });
    await page.goto(`${server.origin}/host.html`);
    await page.waitForFunction(() => customElements.get("stream-provider"));
    await page.evaluate(() =>
      document.getElementById("provider").send("Summarise the key risks for this patient")
    );
    await page.waitForFunction(() =>
      document.getElementById("provider").view.sections.chat[0]?.text.length > 60
    );

    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => customElements.get("stream-provider"));
    await page.waitForFunction(() => document.getElementById("provider").view.lastSeq > 0);
    const saved = await page.evaluate(() => {
      const { view } = document.getElementById("provider");
      return {
        runId: view.runId,
        lastSeq: view.lastSeq,
        text: view.sections.chat[0].text,
        status: view.status,
      };
    });
    // The saved text shows, marked offline, before any byte of the network.
    await page.waitForFunction(shownReply);
    const offline = await page.evaluate(shownReply);
    console.log(
      `reloaded offline: ${saved.text.length} characters shown up to seq ${saved.lastSeq}`,
    );
    assert.equal(saved.status, "reconnecting");
    assert.ok(saved.text.length > 60);
    assert.equal(offline.offline, true, "the offline notice shows");
    const word = /[\p{L}\p{N}]{4,}/u.exec(saved.text)[0];
    assert.ok(offline.text.includes(word), `"${word}" shows in "${offline.text}"`);

    // The run went on on the server meanwhile; back online, the page reads it from its cursor.
    const done = page.evaluate(() =>
      new Promise((resolve) =>
        document.getElementById("provider").addEventListener(
          "stream-done",
          (event) => resolve(event.detail),
          {
            once: true,
          },
        )
      )
    );
    await context.setOffline(false);
    const { finishReason, verified } = await done;
    const stored = await page.evaluate(
      async (runId) => (await fetch(`/api/runs/${runId}`)).json(),
      saved.runId,
    );
    const final = await page.evaluate(() => document.getElementById("provider").view);
    assert.deepEqual([finishReason, verified], ["stop", true]);
    assert.equal(final.runId, saved.runId, "the same run, not a new one");
    assert.equal(final.sections.chat[0].text, stored.panels.chat);
    assert.equal(posts.length, 1, "the message was sent once");
    assert.ok(
      streams.includes(`${saved.runId}.${saved.lastSeq}`),
      `resumed from the cursor: ${streams}`,
    );
  } finally {
    await context.close();
  }
});
