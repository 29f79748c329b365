// Browser rendering: headless Chromium shows <stream-provider> + <chat-stream> fed by the real
// server, whose model is a local OpenAI-compatible endpoint sending a fixed text at a fixed pace.
// (a) 200 chunks/s of 5–10 characters for 30 s; (b) ~1 MB of markdown (lists, tables, code) in 30 s.
//
//   node bench/render.mjs [--quick] [--profile] [a|b]
// `--profile` also records the page's CPU profile (bench/results/render-<scenario>.cpuprofile).
import { createReadStream, existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { build } from "../scripts/build.mjs";
import { CHROMIUM_ARGS, ensureChromium } from "../scripts/ensure-chromium.mjs";
import { summarizeProfile } from "./lib/cpu-profile.mjs";
import { startFakeUpstream } from "./lib/fake-upstream.mjs";
import { printTable, root, startServer, writeResult } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";

// Prose as a model writes it: sentences, and a paragraph break every few of them.
const PROSE =
  "The patient reports chest pain that began at rest two hours ago, radiating to the left arm, " +
  "with sweating and nausea. Vital signs are stable and the first troponin is pending. " +
  "The ECG shows no new ST elevation, and the pain eased after sublingual nitroglycerin. " +
  "A repeat troponin at three hours will decide between admission and early discharge.\n\n";

/** Cuts text into word-level pieces of 5–10 characters (longer words are split). */
function wordChunks(text) {
  const words = text.match(/\S+\s*/g) ?? [];
  const out = [];
  let current = "";
  for (let word of words) {
    while (word.length > 10) {
      if (current) out.push(current), (current = "");
      out.push(word.slice(0, 10));
      word = word.slice(10);
    }
    if (current.length + word.length > 10) out.push(current), (current = "");
    current += word;
    if (current.length >= 5) out.push(current), (current = "");
  }
  if (current) out.push(current);
  return out;
}

/** One markdown section with a heading, a paragraph, a list, a table and a code block. */
function markdownSection(i) {
  return [
    `## Section ${i}: assessment and plan`,
    "",
    `Day ${i} review. The patient is *haemodynamically stable*; **troponin** trend and renal function were re-checked, and the plan below follows the protocol.`,
    "",
    `- Aspirin 75 mg daily (item ${i}.1)`,
    `- Atorvastatin 80 mg at night (item ${i}.2)`,
    `  - check liver enzymes at 6 weeks`,
    `- Repeat ECG if pain recurs (item ${i}.3)`,
    "",
    "| Test | Value | Reference |",
    "| --- | --- | --- |",
    `| Troponin I | ${(i % 50) / 10 + 0.1} ng/mL | < 0.04 |`,
    `| Creatinine | ${90 + (i % 30)} µmol/L | 60–110 |`,
    `| Potassium | 4.${i % 10} mmol/L | 3.5–5.0 |`,
    "",
    "```js",
    `const dose${i} = weightKg * 0.5; // mg`,
    `console.log(\`dose: \${dose${i}}\`);`,
    "```",
    "",
    "",
  ].join("\n");
}

/** The two scenarios: deltas sent every `intervalMs`. */
function scenarios(quick) {
  const seconds = quick ? 5 : 30;
  const prose = wordChunks(PROSE.repeat(Math.ceil((200 * seconds * 8) / PROSE.length))).slice(
    0,
    200 * seconds,
  );
  const targetBytes = quick ? 50_000 : 1_000_000;
  let markdown = "";
  for (let i = 1; markdown.length < targetBytes; i++) markdown += markdownSection(i);
  const perDelta = Math.ceil(markdown.length / (seconds * 100));
  const pieces = [];
  for (let at = 0; at < markdown.length; at += perDelta) {
    pieces.push(markdown.slice(at, at + perDelta));
  }
  return {
    a: {
      title: `(a) 200 chunks/s of 5–10 characters for ${seconds} s`,
      deltas: prose,
      intervalMs: 5,
    },
    b: {
      title: `(b) ${(markdown.length / 1e6).toFixed(2)} MB of markdown in ${seconds} s`,
      deltas: pieces,
      intervalMs: 10,
    },
  };
}

// The bundle measured: this checkout's, built first, or `BENCH_DIST` (a directory holding a
// stream-widgets.js built from a change) for before/after figures.
const dist = process.env.BENCH_DIST?.replace(/\/$/, "") ?? `${root}dist`;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json" };

/**
 * Serves the bench page and /dist/*. The page calls the server directly, cross-origin (the server
 * allows this origin through CORS_ORIGINS), so no proxy sits between the stream and the browser.
 */
function startPageServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const file = url.pathname === "/"
      ? `${root}bench/render/page.html`
      : url.pathname === "/measure.js"
      ? `${root}bench/render/measure.js`
      : url.pathname.startsWith("/dist/") && !url.pathname.includes("..")
      ? `${dist}${url.pathname.slice("/dist".length)}`
      : undefined;
    if (url.pathname === "/favicon.ico") return res.writeHead(204).end();
    if (!file || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, {
      "content-type": TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        origin: `http://127.0.0.1:${server.address().port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(done);
          }),
      }))
  );
}

// Twice the longest scenario: a run that never ends fails the part instead of hanging it.
const RUN_TIMEOUT_MS = 120_000;

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((
    _,
    reject,
  ) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the render scenarios and writes bench/results/render.json. */
export async function main(args) {
  const quick = args.includes("--quick");
  const profile = args.includes("--profile");
  const names = args.filter((a) => !a.startsWith("--"));
  const all = scenarios(quick);
  const chosen = names.length ? names : Object.keys(all);
  if (!process.env.BENCH_DIST) await build();
  const upstream = await startFakeUpstream();
  const pages = await startPageServer();
  const server = await startServer({
    CORS_ORIGINS: pages.origin,
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: upstream.baseUrl,
    OPENAI_API_KEY: "bench",
    LLM_MODEL: "bench",
    ORPHAN_GRACE_MS: "30000",
    // 1 MB of text is ~150,000 events, ~25 MB of frames: past the default bound on a run's bytes.
    MAX_RUN_BYTES: String(64 * 1024 * 1024),
  });
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const results = [];
  try {
    for (const name of chosen) {
      const scenario = all[name];
      if (!scenario) throw new Error(`Unknown scenario "${name}"; known: a, b`);
      upstream.setPlay(scenario);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const consoleErrors = [];
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      // The provider aborts a finished stream's fetch; only other failures count.
      page.on(
        "requestfailed",
        (r) =>
          r.failure()?.errorText !== "net::ERR_ABORTED" &&
          consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
      );
      page.on("pageerror", (e) => consoleErrors.push(String(e)));
      await page.goto(`${pages.origin}/?api=${encodeURIComponent(server.origin)}`);
      await page.waitForFunction(() => globalThis.benchReady === true);
      const cdp = profile ? await page.context().newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send("Profiler.enable");
        await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
        await cdp.send("Profiler.start");
      }
      const measured = await withTimeout(
        page.evaluate((message) => globalThis.bench.run(message), "Stream the benchmark text"),
        RUN_TIMEOUT_MS,
        `Render ${name}: no stream-done within ${RUN_TIMEOUT_MS / 1000} s`,
      );
      const pageProfile = cdp ? await stopProfile(cdp, name) : undefined;
      await page.close();
      const expected = scenario.deltas.join("");
      const { text, ...figures } = measured;
      results.push({
        name,
        title: scenario.title,
        textBytes: expected.length,
        ...figures,
        textExact: text === expected && measured.verified,
        consoleErrors,
        ...(pageProfile ? { pageProfile } : {}),
      });
    }
  } finally {
    await browser.close();
    await pages.close();
    await server.stop();
    await upstream.close();
  }
  for (const r of results) report(r);
  console.log(
    `\nwrote ${writeResult(quick ? "render-quick" : "render", { quick, scenarios: results })}`,
  );
}

/** Stops the page's profiler, writes the profile and returns where the page's time went. */
async function stopProfile(cdp, name) {
  const { profile } = await cdp.send("Profiler.stop");
  const file = `${root}bench/results/render-${name}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  const summary = summarizeProfile(profile, { ours: /\/dist\//, strip: /^http:\/\/[^/]+\// });
  return {
    file,
    ...summary,
    functions: summary.functions.slice(0, 20),
    inclusive: summary.inclusive.slice(0, 20),
  };
}

function report(r) {
  console.log(
    `\nRender ${r.title}: ${r.chunks} chunks in ${
      round(r.elapsedMs / 1000)
    } s, ${r.updates} updates`,
  );
  const pct = r.frames ? (100 * r.framesOver25ms) / r.frames : NaN;
  printTable(["measure", "value", "goal", "met"], [
    [
      "stamp → applied by the provider p50 / p99 ms",
      `${round(r.stampToAppliedMs.p50)} / ${round(r.stampToAppliedMs.p99)}`,
      "",
      "",
    ],
    ["stamp → DOM p50 ms", round(r.stampToDomMs.p50), "", ""],
    [
      "stamp → DOM p99 ms",
      round(r.stampToDomMs.p99),
      "≤ 20",
      r.stampToDomMs.p99 <= 20 ? "yes" : "NO",
    ],
    ["stamp → frame p50 ms", round(r.stampToFrameMs.p50), "", ""],
    ["stamp → frame p99 ms", round(r.stampToFrameMs.p99), "", ""],
    ["long tasks", r.longTasks, "0", r.longTasks === 0 ? "yes" : "NO"],
    [
      "frames over 25 ms",
      `${r.framesOver25ms}/${r.frames} (${round(pct)} %)`,
      "≤ 0.5 %",
      pct <= 0.5 ? "yes" : "NO",
    ],
    ["update ms p50 / p99", `${round(r.updateMs.p50)} / ${round(r.updateMs.p99)}`, "", ""],
    ["update ms start → end", `${round(r.updateStartMs)} → ${round(r.updateEndMs)}`, "", ""],
    [
      "end / start per update",
      round(r.updateEndOverStart),
      "≤ 1.5",
      r.updateEndOverStart <= 1.5 ? "yes" : "NO",
    ],
    ["final text exact", r.textExact, "true", r.textExact ? "yes" : "NO"],
  ]);
  const list = (items) => items.slice(0, 8).map((x) => `${x.ms} ms at ${x.atMs} ms`).join(", ");
  if (r.longTaskList.length) console.log(`long tasks: ${list(r.longTaskList)}`);
  if (r.slowFrames.length) console.log(`frames over 25 ms: ${list(r.slowFrames)}`);
  if (r.pageProfile) {
    console.log(`\npage CPU profile: ${r.pageProfile.busyMs} ms busy (${r.pageProfile.file})`);
    printTable(
      ["self time", "ms", "%"],
      r.pageProfile.functions.slice(0, 12).map((f) => [f.name, f.ms, f.share]),
    );
    printTable(
      ["inclusive time (bundle)", "ms", "%"],
      r.pageProfile.inclusive.slice(0, 12).map((f) => [f.name, f.ms, f.share]),
    );
  }
  if (r.consoleErrors.length) {
    console.log(`console errors: ${r.consoleErrors.slice(0, 3).join(" | ")}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
