// End-to-end: the real server and the built bundle, driven in Debian's Chromium through playwright-core.
// Opens the demo portal, streams whole cases, cuts a connection mid-stream, switches streaming off, follows
// a run from a second viewer on a phone, checks nothing sticks out at 1280, 1024 and 390 px, walks the phone
// layout by keyboard, and takes screenshots: into .test-results/screenshots, or into SCREENSHOTS_DIR
// (`npm run screenshots` refreshes the ones the README shows). Run `npm run build` first when running it alone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDenoServer } from "../../scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
// A test run leaves the committed screenshots alone: a clone stays clean after `npm test`.
const screenshots = process.env.SCREENSHOTS_DIR ?? `${root}.test-results/screenshots`;
const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 390, height: 844 };
/** A landscape tablet: the rail stays, the two panes sit side by side and narrow. */
const TABLET = { width: 1024, height: 768 };
/** Bounds every wait: a whole workflow at this pace takes a few seconds. */
const RUN_TIMEOUT_MS = 20_000;
/** Characters per second of the scripted model in this test. */
const FAST_PACE = 3000;

let server;
let browser;

before(async () => {
  // Fast enough to stay well inside the time budget, slow enough that a run is still live when a second
  // viewer attaches or the connection is cut.
  server = await startDenoServer({
    env: { SCRIPTED_CHARS_PER_SEC: String(FAST_PACE), SCRIPTED_FIRST_TOKEN_MS: "50" },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A stream request the provider itself closes once `stream_done` has arrived: Chromium reports the
 * rest of the response as aborted. That is the client letting go, not a failed request.
 */
const CLOSED_AFTER_DONE = /\/stream(\?[^ ]*)? net::ERR_ABORTED$/;

/**
 * Opens the demo in a fresh context and records every console error, page error, failed request and
 * error response. `expected` takes patterns of problems a scenario causes on purpose; each excuses one.
 */
async function openDemo(path = "/", viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, colorScheme: "light" });
  const page = await context.newPage();
  const problems = [];
  const expected = [];
  const report = (problem) => {
    const index = expected.findIndex((pattern) => pattern.test(problem));
    if (index === -1) problems.push(problem);
    else expected.splice(index, 1);
  };
  page.on("console", (message) => {
    if (message.type() === "error") report(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => report(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const failure = `${request.url()} ${request.failure()?.errorText ?? ""}`;
    if (!CLOSED_AFTER_DONE.test(failure)) report(`request failed: ${failure}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) report(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${server.origin}${path}`);
  await page.locator(".case-item").first().waitFor();
  return { page, context, problems, expected };
}

/**
 * Waits until the run the page shows has ended. The portal copies each `stream-done` of its provider
 * onto the status strip (and clears it when work starts), so a run that ended before this call counts.
 */
async function runEnded(page) {
  const strip = await page.waitForFunction(
    () => {
      const { finish, verified, runId } = document.getElementById("status-strip").dataset;
      return finish && { finishReason: finish, verified: verified === "true", runId };
    },
    undefined,
    { timeout: RUN_TIMEOUT_MS },
  );
  return strip.jsonValue();
}

/** Clicks Analyse case and resolves with how the run ended. */
async function analyse(page) {
  await page.getByRole("button", { name: "Analyse case" }).click();
  return runEnded(page);
}

/** The visible text of an element, shadow roots included, as a list of word tokens. */
function renderedWords(page, selector) {
  return page.evaluate((selector) => {
    const collect = (node, out) => {
      if (node.nodeType === Node.TEXT_NODE) out.push(node.textContent);
      if (node.nodeName === "STYLE" || node.nodeName === "SCRIPT") return out;
      if (node.shadowRoot) collect(node.shadowRoot, out);
      for (const child of node.childNodes) collect(child, out);
      return out;
    };
    const text = collect(document.querySelector(selector), []).join(" ");
    return text.match(/[\p{L}\p{N}]+/gu) ?? [];
  }, selector);
}

/**
 * The words of a panel's markdown as a reader sees them: fence lines (with their info string), list
 * numbers, table rules and link targets dropped.
 */
function markdownWords(markdown) {
  const prose = markdown
    .replace(/^\s*(```|~~~).*$/gm, "")
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/^\s*\d+[.)]\s+/gm, "")
    .replace(/^\s*\|?[\s:|-]+\|[\s:|-]*$/gm, "");
  return prose.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Asserts `expected` appears in `actual` in order (the page adds titles, labels and buttons around it). */
function assertSubsequence(actual, expected, label) {
  let at = 0;
  for (const [index, word] of expected.entries()) {
    const found = actual.indexOf(word, at);
    assert.notEqual(found, -1, `${label}: word ${index} "${word}" is missing or out of order`);
    at = found + 1;
  }
}

/** Sets the scripted model's pace through the demo controls. */
async function setPace(charsPerSec) {
  const response = await fetch(`${server.origin}/api/demo/pace`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ charsPerSec }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

/** WCAG 2.1 A/AA violations axe-core finds on the page, as `rule: selectors` lines. */
async function axeViolations(page) {
  // Evaluated by the test's own channel: the page's Content-Security-Policy forbids added scripts.
  await page.evaluate(readFileSync(`${root}node_modules/axe-core/axe.min.js`, "utf8"));
  return page.evaluate(async () => {
    const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    const { violations } = await globalThis.axe.run(document, {
      runOnly: { type: "tag", values: tags },
    });
    return violations.map((v) =>
      `${v.id}: ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`
    );
  });
}

/**
 * What sticks out at the current width: the page scrolling sideways, or anything in the panes (shadow
 * roots included) reaching past its pane's edge, where the pane would clip it.
 */
function layoutOverflow(page) {
  return page.evaluate(() => {
    const problems = [];
    const { scrollWidth } = document.documentElement;
    if (scrollWidth > innerWidth) problems.push(`page is ${scrollWidth} px wide in ${innerWidth}`);
    const walk = (root, pane) => {
      for (const element of root.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && (box.left < pane.left - 1 || box.right > pane.right + 1)) {
          const name = element.getAttribute("part") ?? element.className ?? "";
          problems.push(
            `${element.localName}[${name}] spans ${box.left}–${box.right} in ${pane.left}–${pane.right}`,
          );
        }
        if (element.shadowRoot) walk(element.shadowRoot, pane);
      }
    };
    for (const pane of document.querySelectorAll(".pane")) walk(pane, pane.getBoundingClientRect());
    return problems;
  });
}

/**
 * A screenshot of the whole page as a reader scrolling it sees it. The viewport grows to the page's
 * height first: the panels skip rendering of text far off screen (`content-visibility: auto`), which
 * a plain full-page capture would show as blank space.
 */
async function wholePageShot(page, path) {
  const viewport = page.viewportSize();
  // Text that starts rendering changes the page's height, so grow until two frames agree.
  const settledHeight = () =>
    page.evaluate(async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      await frame();
      await frame();
      return document.documentElement.scrollHeight;
    });
  let height = viewport.height;
  for (let pass = 0; pass < 8; pass++) {
    const needed = Math.max(await settledHeight(), viewport.height);
    if (needed === height) break;
    height = needed;
    await page.setViewportSize({ width: viewport.width, height });
  }
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
}

/** The run as the server holds it. */
async function serverRun(runId) {
  const response = await fetch(`${server.origin}/api/runs/${runId}`);
  assert.equal(response.status, 200);
  return response.json();
}

/** Checks both panels show the server's text of the run, word for word and in order. */
async function assertPanelsMatch(page, runId) {
  const run = await serverRun(runId);
  assert.ok(run.panels.reasoning.length > 500, "the workflow wrote reasoning");
  assert.ok(run.panels.chat.length > 100, "the workflow wrote chat summaries");
  assertSubsequence(
    await renderedWords(page, "reasoning-panel"),
    markdownWords(run.panels.reasoning),
    "reasoning",
  );
  assertSubsequence(
    await renderedWords(page, "chat-stream"),
    markdownWords(run.panels.chat),
    "chat",
  );
}

test("demo streams a whole case to stream_done with the server's text in both panels", async () => {
  const { page, context, problems } = await openDemo();
  const result = await analyse(page);
  assert.deepEqual(result, { finishReason: "stop", verified: true, runId: result.runId });
  await assertPanelsMatch(page, result.runId);
  assert.equal(await page.locator("#status-label").textContent(), "Complete · verified");
  assert.match(await page.locator("#metric-ttft").textContent(), /^\d+ ms$/);
  assert.deepEqual(
    await page.locator(".step").evaluateAll((steps) => steps.map((step) => step.dataset.state)),
    ["done", "done", "done", "done"],
  );

  await page.locator("#chart > summary").click();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator("#chart > summary").click();

  assert.deepEqual(await layoutOverflow(page), []);
  await page.screenshot({ path: `${screenshots}/demo-desktop.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${screenshots}/demo-dark.png`, fullPage: true });
  await page.setViewportSize(TABLET);
  assert.deepEqual(await layoutOverflow(page), [], "at 1024 px");
  await context.close();
  assert.deepEqual(problems, []);
});

test("demo resumes a connection cut mid-stream and completes with the exact text", async () => {
  const { page, context, problems, expected } = await openDemo();
  await page.locator("#resilience > summary").click();
  await page.getByRole("button", { name: "Cut the next run" }).click();
  await page.locator("#activity-log li", { hasText: "Armed" }).waitFor();
  // The server ends the first stream response abruptly: that request fails, and Chromium logs it.
  expected.push(
    /^request failed: \S+\/workflow\/start\/stream net::ERR_/,
    /^console: Failed to load resource: net::ERR_/,
  );
  const result = await analyse(page);
  assert.deepEqual(result, { finishReason: "stop", verified: true, runId: result.runId });
  await assertPanelsMatch(page, result.runId);
  assert.match(await page.locator("#metric-delivery").textContent(), /resumed 1×/);
  assert.equal(
    await page.locator("#activity-log li", { hasText: "Resumed from event #" }).count(),
    1,
  );
  await context.close();
  assert.deepEqual(problems, []);
});

test("demo falls back to one batch request when streaming is switched off", async () => {
  const { page, context, problems, expected } = await openDemo();
  await page.locator("#resilience > summary").click();
  await page.getByRole("button", { name: "Turn streaming off" }).click();
  await page.getByRole("button", { name: "Turn streaming on" }).waitFor();
  // The stream endpoint answers 503 streaming_disabled, which Chromium also logs.
  expected.push(
    /^HTTP 503: \S+\/workflow\/start\/stream$/,
    /^console: Failed to load resource: .* 503/,
  );
  try {
    const result = await analyse(page);
    assert.deepEqual(result, { finishReason: "stop", verified: true, runId: result.runId });
    await assertPanelsMatch(page, result.runId);
    assert.equal(await page.locator("#metric-delivery").textContent(), "Batch fallback");
  } finally {
    await page.getByRole("button", { name: "Turn streaming on" }).click();
    await page.getByRole("button", { name: "Turn streaming off" }).waitFor();
  }
  await context.close();
  assert.deepEqual(problems, []);
});

test("demo second viewer attaches to the live run and ends with the same verified text", async () => {
  // Slow enough that the run is still live when the second tab has opened, then fast again.
  await setPace(300);
  const first = await openDemo();
  await first.page.getByRole("button", { name: "Analyse case" }).click();
  const link = first.page.getByRole("link", { name: "Open this run in a second viewer" });
  await first.page.waitForFunction(() =>
    document.getElementById("second-viewer").hasAttribute("href")
  );
  const href = await link.getAttribute("href");
  const runId = new URLSearchParams(href.slice(href.indexOf("?"))).get("run");

  // The second viewer is a phone: the run read top to bottom on 390 px.
  const second = await openDemo(href, MOBILE);
  await second.page.waitForFunction(() =>
    document.getElementById("status-strip").dataset.status === "streaming"
  );
  assert.equal((await serverRun(runId)).status, "running");
  await setPace(FAST_PACE);
  const [a, b] = await Promise.all([runEnded(first.page), runEnded(second.page)]);
  assert.deepEqual([a, b], [
    { finishReason: "stop", verified: true, runId },
    { finishReason: "stop", verified: true, runId },
  ]);
  await assertPanelsMatch(second.page, runId);

  assert.deepEqual(await layoutOverflow(second.page), [], "at 390 px");
  await wholePageShot(second.page, `${screenshots}/demo-mobile.png`);
  await first.context.close();
  await second.context.close();
  assert.deepEqual([...first.problems, ...second.problems], []);
});

test("demo works by keyboard alone on a phone: skip link, case strip, a tab stop only where it scrolls", async () => {
  const { page, context, problems } = await openDemo("/", MOBILE);
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      const box = element.getBoundingClientRect();
      return {
        id: element.id || element.getAttribute("data-case"),
        // Its whole width and at least its start on screen.
        inView: box.left >= 0 && box.right <= innerWidth && box.top >= 0 && box.top < innerHeight,
      };
    });

  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  assert.deepEqual(await focused(), { id: "workspace", inView: true });

  // The second case of the sideways strip starts off screen; with the focus it scrolls fully in.
  const [first, second] = await page.locator(".case-item").evaluateAll((items) =>
    items.map((item) => item.dataset.case)
  );
  await page.locator(`[data-case="${first}"]`).focus();
  await page.keyboard.press("Tab");
  await page.waitForFunction((id) => {
    const box = document.activeElement.getBoundingClientRect();
    return document.activeElement.dataset.case === id && box.left >= 0 && box.right <= innerWidth;
  }, second);
  await page.keyboard.press("Enter");
  assert.deepEqual(
    await focused(),
    { id: second, inView: true },
    "Enter keeps the focus on the case",
  );
  assert.equal(await page.locator(`[data-case="${second}"]`).getAttribute("aria-current"), "true");

  // The reasoning pane flows in the page on a phone, so it is no tab stop; side by side it scrolls and is one.
  // The page's media-query listener runs after the resize, so wait for the tab stop to follow.
  const paneTabIndex = (value) =>
    page.waitForFunction(
      (expected) =>
        document.querySelector(".pane-reasoning .pane-scroll").getAttribute("tabindex") ===
          expected,
      value,
    );
  await paneTabIndex(null);
  await page.setViewportSize(TABLET);
  await paneTabIndex("0");
  await context.close();
  assert.deepEqual(problems, []);
});

mkdirSync(screenshots, { recursive: true });
