// The Playwright example of docs/testing.md, as written there, over a host page that embeds the
// elements: no Deno server, no network — the API is answered by a scripted stream. Also checks
// that docs/testing.md shows both of its examples as the suite runs them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";
import { scriptedStream, workflowRun } from "stream-widgets/testing";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The host app: a page whose provider starts a workflow of its own URL on load. */
const CASE_PAGE = `<!doctype html><meta charset="utf-8"><title>Case</title>
<script type="module" src="/stream-widgets.js"></script>
<stream-provider src="/api/cases/aki-nsaids/workflow/start/stream" autostart>
  <reasoning-panel></reasoning-panel><chat-stream></chat-stream>
</stream-provider>`;

let browser;
let app;
let appUrl;

before(async () => {
  app = createServer((request, response) => {
    if (request.url === "/stream-widgets.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" });
      return response.end(readFileSync(`${root}dist/stream-widgets.js`));
    }
    response.writeHead(200, { "Content-Type": "text/html" });
    response.end(CASE_PAGE);
  });
  await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${app.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve()));
});

test("the case summary resumes after a cut, offers Retry on an error, then completes", async () => {
  const stream = scriptedStream(workflowRun, { cutAfter: 20, errorAfter: 60 });
  const page = await browser.newPage();
  await page.route("**/api/**", stream.route);
  await page.goto(`${appUrl}/case.html`);
  await page.getByRole("button", { name: "Retry" }).click();
  await page.waitForFunction(() =>
    document.querySelector("stream-provider").view.status === "done"
  );
  assert.equal(
    await page.evaluate(() => document.querySelector("stream-provider").view.verified),
    true,
  );
  assert.ok(stream.requests.some((r) => r.cursor === `${workflowRun[0].runId}.20`));
});

test("docs/testing.md shows both examples line for line as the suite runs them", () => {
  const docs = readFileSync(`${root}docs/testing.md`, "utf8");
  const blocks = [...docs.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((match) => match[1]);
  const files = ["tests/browser/docs-example.test.ts", "tests/e2e/testing-playwright.test.mjs"];
  assert.equal(blocks.length, files.length);
  for (const [i, block] of blocks.entries()) {
    const lines = readFileSync(`${root}${files[i]}`, "utf8").split("\n");
    let at = 0;
    for (const line of block.split("\n").filter((text) => text.trim() !== "")) {
      at = lines.indexOf(line, at);
      assert.notEqual(at, -1, `${files[i]} lacks, in order: ${line}`);
    }
  }
});
