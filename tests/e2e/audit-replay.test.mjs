// End-to-end: "Audit replay" in the demo. A case is analysed to its end, then replayed in the dialog:
// the scrubber, by keyboard, takes the panels back to the run's start and forward to its end, and the
// audit view names who started the run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startDenoServer } from "../../scripts/deno-server.mjs";
import { CHROMIUM_ARGS } from "../../scripts/ensure-chromium.mjs";

const RUN_TIMEOUT_MS = 20_000;
let server;
let browser;

before(async () => {
  server = await startDenoServer({
    env: { SCRIPTED_CHARS_PER_SEC: "3000", SCRIPTED_FIRST_TOKEN_MS: "50" },
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

test("audit replay scrubs a finished case's analysis by keyboard", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.origin}/`);
  await page.locator("#analyse:not([disabled])").click({ timeout: RUN_TIMEOUT_MS });
  const replayButton = page.locator("#audit-replay:not([disabled])");
  await replayButton.waitFor({ timeout: RUN_TIMEOUT_MS });
  await replayButton.click();
  const dialog = page.locator("#replay-dialog");
  await dialog.waitFor({ state: "visible" });
  const scrubber = dialog.locator('run-replay [part="scrubber"]');
  await scrubber.waitFor({ timeout: RUN_TIMEOUT_MS });
  const panelText = () =>
    page.evaluate(() =>
      document.querySelector("#replay").view.sections.reasoning.map((s) => s.text).join("")
    );
  const fullText = await panelText();
  assert.ok(fullText.length > 200, "opens on the run as it ended");

  await scrubber.focus();
  await page.keyboard.press("Home");
  assert.equal(await scrubber.getAttribute("aria-valuenow"), "0");
  assert.equal(await panelText(), "");
  await page.keyboard.press("ArrowRight");
  const oneSecond = await panelText();
  assert.ok(
    oneSecond.length > 0 && fullText.startsWith(oneSecond),
    "a second in: the start of the text",
  );
  await page.keyboard.press("End");
  assert.equal(await panelText(), fullText);

  const firstEntry = await dialog.locator('run-replay [part="audit-entry"]').first().textContent();
  assert.match(firstEntry.replace(/\s+/g, " "), /anonymous started the run/);
  assert.ok(await dialog.locator('run-replay [part="export"]').isVisible());
  await page.locator("#replay-close").click();
  assert.deepEqual(errors, []);
  await page.close();
});
