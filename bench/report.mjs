// Prints the figures of bench/results/*.json as markdown tables, for RESULTS.md.
//
//   node bench/report.mjs [--quick] [--compare <tag>]
// `--compare tag` adds before/after tables: the untagged results beside `<part>-<tag>.json`.
import { existsSync, readFileSync } from "node:fs";
import { CLUSTER_HEADER, clusterRows } from "./cluster.mjs";
import { root } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";

const quick = process.argv.includes("--quick");

/** The results of a part; `bundle` has no quick variant. */
function load(part) {
  const variant = quick && part !== "bundle" ? "-quick" : "";
  const tag = process.env.BENCH_TAG ? `-${process.env.BENCH_TAG}` : "";
  const file = `${root}bench/results/${part}${variant}${tag}.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c ?? "")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Every goal of the issue with its measured value, gathered from all parts. */
const glance = [];

const fmt = (value) => (typeof value === "number" ? round(value) : value);
const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b ? round(a / b) : "");
const out = [];

const server = load("server-load");
if (server) {
  out.push(`### Server load (${server.at})`);
  for (const s of server.scenarios) {
    const { real, floor } = s;
    out.push(
      `\n**${s.title}**${
        s.rate ? ` — ${s.charsPerSec} chars/s, ${s.chunksPerStream} chunks per stream` : ""
      }\n`,
    );
    const rows = [
      ["delivered / expected", (r) => `${r.delivered} / ${r.expected}`],
      ["completed streams", (r) => `${r.completed} / ${r.streams}`],
      ["errors", (r) => r.errors],
      [
        "first event after request p50 / p99 ms",
        (r) => `${fmt(r.firstEventMs.p50)} / ${fmt(r.firstEventMs.p99)}`,
      ],
      ["chunk latency p50 ms", (r) => r.latencyMs.p50],
      ["chunk latency p99 ms", (r) => r.latencyMs.p99],
      ["chunk latency max ms", (r) => r.latencyMs.max],
      ["stretch p50 / max", (r) => `${fmt(r.stretch.p50)} / ${fmt(r.stretch.max)}`],
      ["stretch, one stream alone", (r) => r.stretchAlone],
      ["chunks/s per stream p50", (r) => r.chunksPerSec.p50],
      ["server CPU µs / event", (r) => r.cpuPerEventUs],
      [
        "server RSS KB / stream (median; peak)",
        (r) => `${fmt(r.rssPerStreamKB)}; ${fmt(r.rssPeakPerStreamKB)}`,
      ],
      ["heap + buffers KB / viewer while held, after GC", (r) => r.heapPerHeldStreamKB],
      ["heap + buffers KB / stream kept after the run, after GC", (r) => r.heapRetainedPerStreamKB],
      ["wire bytes / payload byte", (r) => r.wirePerPayloadByte],
      ["client CPU ms", (r) => r.clientCpuMs],
    ];
    // The peer (AI SDK UI message stream), when the scenario ran it, in two more columns.
    const { peer } = s;
    out.push(table(
      ["measure", "server", "floor", "server ÷ floor", ...(peer ? ["peer", "server ÷ peer"] : [])],
      rows.map(([label, get]) => {
        const a = real ? get(real) : undefined;
        const b = get(floor);
        const c = peer ? get(peer) : undefined;
        return [label, fmt(a), fmt(b), ratio(a, b), ...(peer ? [fmt(c), ratio(a, c)] : [])];
      }),
    ));
    for (const g of s.goals ?? []) glance.push([s.title, g.goal, fmt(g.value), g.met]);
    if (s.goals) {
      out.push("");
      out.push(
        table(
          ["goal", "measured", "met"],
          s.goals.map((g) => [g.goal, fmt(g.value), g.met ? "yes" : "**no**"]),
        ),
      );
    }
  }
}

const fanout = load("fanout");
if (fanout) {
  const { real, floor } = fanout;
  const p99Ratio = real.latencyMs.p99 / floor.latencyMs.p99;
  const cpuRatio = real.cpuPerDeliveredUs / floor.cpuPerDeliveredUs;
  glance.push(["fan-out", "p99 within 1.5× floor", fmt(p99Ratio), p99Ratio <= 1.5]);
  glance.push(["fan-out", "CPU/delivered event within 1.5× floor", fmt(cpuRatio), cpuRatio <= 1.5]);
  out.push(
    `\n### Fan-out: one run, ${fanout.viewers} viewers, ${fanout.rate} chunks/s (${fanout.at})\n`,
  );
  const rows = [
    ["delivered / expected", (r) => `${r.delivered} / ${r.expected}`],
    ["errors; gaps; duplicates", (r) => `${r.errors}; ${r.gaps}; ${r.duplicates}`],
    ["chunk latency p50 ms", (r) => r.latencyMs.p50],
    ["chunk latency p99 ms", (r) => r.latencyMs.p99],
    ["chunk latency max ms", (r) => r.latencyMs.max],
    ["server CPU µs / delivered event", (r) => r.cpuPerDeliveredUs],
  ];
  out.push(table(
    ["measure", "server", "floor", "server ÷ floor"],
    rows.map(([label, get]) => {
      const a = get(real);
      const b = get(floor);
      return [label, fmt(a), fmt(b), ratio(a, b)];
    }),
  ));
}

const cluster = load("cluster-fanout");
if (cluster) {
  const exact = cluster.perInstance.every((r) =>
    r.completed === r.viewers && r.delivered === r.expected &&
    r.errors + r.gaps + r.duplicates === 0
  );
  glance.push(["cluster fan-out", "every viewer gets the whole log, exactly", exact, exact]);
  out.push(
    `\n### Cluster fan-out: one run at ${cluster.rate} chunks/s, ${cluster.viewers} viewers over two instances on Redis (${cluster.at})\n`,
  );
  out.push(table(CLUSTER_HEADER, clusterRows(cluster, fmt)));
}

const resume = load("resume");
if (resume) {
  out.push(
    `\n### Resume: ${resume.cuts} cuts, ${resume.events} events, retry ${resume.retryMs} ms (${resume.at})\n`,
  );
  for (const g of resume.goals) glance.push(["resume", g.goal, fmt(g.value), g.met]);
  const pick = (s) => `${fmt(s.p50)} / ${fmt(s.max)}`;
  out.push(table(["measure", "p50 / max"], [
    ["cut → first resumed event ms", pick(resume.cutToFirstEventMs)],
    ["reconnect → first resumed event ms", pick(resume.reconnectToFirstEventMs)],
    ["reconnect → replay complete ms", pick(resume.replayMs)],
    ["events replayed per resume", pick(resume.replayedEvents)],
  ]));
  out.push("");
  out.push(
    table(
      ["goal", "measured", "met"],
      resume.goals.map((g) => [g.goal, fmt(g.value), g.met ? "yes" : "**no**"]),
    ),
  );
}

const render = load("render");
if (render) {
  out.push(`\n### Render (${render.at})`);
  for (const r of render.scenarios) {
    const pct = (100 * r.framesOver25ms) / r.frames;
    const part = `render ${r.name}`;
    glance.push([
      part,
      "stamp → DOM p99 ≤ 20 ms",
      fmt(r.stampToDomMs.p99),
      r.stampToDomMs.p99 <= 20,
    ]);
    glance.push([part, "0 long tasks", r.longTasks, r.longTasks === 0]);
    glance.push([part, "≤ 0.5 % of frames over 25 ms", `${fmt(pct)} %`, pct <= 0.5]);
    glance.push([
      part,
      "end ÷ start per update ≤ 1.5",
      fmt(r.updateEndOverStart),
      r.updateEndOverStart <= 1.5,
    ]);
    glance.push([part, "final text exact", r.textExact, r.textExact]);
    out.push(
      `\n**${r.title}** — ${r.chunks} chunks in ${
        fmt(r.elapsedMs / 1000)
      } s, ${r.updates} updates\n`,
    );
    out.push(table(["measure", "value", "goal", "met"], [
      [
        "stamp → applied by the provider p50 / p99 ms",
        `${fmt(r.stampToAppliedMs.p50)} / ${fmt(r.stampToAppliedMs.p99)}`,
        "",
        "",
      ],
      [
        "stamp → DOM p50 / p99 ms",
        `${fmt(r.stampToDomMs.p50)} / ${fmt(r.stampToDomMs.p99)}`,
        "p99 ≤ 20",
        r.stampToDomMs.p99 <= 20 ? "yes" : "**no**",
      ],
      [
        "stamp → frame p50 / p99 ms",
        `${fmt(r.stampToFrameMs.p50)} / ${fmt(r.stampToFrameMs.p99)}`,
        "",
        "",
      ],
      ["long tasks", r.longTasks, "0", r.longTasks === 0 ? "yes" : "**no**"],
      [
        "frames over 25 ms",
        `${r.framesOver25ms} / ${r.frames} (${fmt(pct)} %)`,
        "≤ 0.5 %",
        pct <= 0.5 ? "yes" : "**no**",
      ],
      ["update ms p50 / p99", `${fmt(r.updateMs.p50)} / ${fmt(r.updateMs.p99)}`, "", ""],
      ["update ms, first → last tenth", `${fmt(r.updateStartMs)} → ${fmt(r.updateEndMs)}`, "", ""],
      [
        "end ÷ start per update",
        fmt(r.updateEndOverStart),
        "≤ 1.5",
        r.updateEndOverStart <= 1.5 ? "yes" : "**no**",
      ],
      ["final text exact", r.textExact, "true", r.textExact ? "yes" : "**no**"],
    ]));
  }
}

const bundle = load("bundle");
if (bundle) {
  out.push(`\n### Bundle (${bundle.at})\n`);
  out.push(table(["measure", "KB", "goal", "met"], [
    [
      "dist/stream-widgets.min.js, min + gzip",
      (bundle.gzipBytes / 1024).toFixed(1),
      "≤ 30",
      bundle.met ? "yes" : "**no**",
    ],
    ["min", (bundle.minBytes / 1024).toFixed(1), "", ""],
  ]));
  out.push("");
  out.push(
    table(
      ["largest sources (minified bytes)", "KB", "%"],
      bundle.parts.slice(0, 8).map((p) => [p.source, (p.bytes / 1024).toFixed(1), p.share]),
    ),
  );
  out.push("");
  out.push(
    table(
      ["a bundle of only", "min KB", "min + gzip KB"],
      bundle.probes.map((p) => [p.name, p.minKB, p.gzipKB]),
    ),
  );
}

if (bundle) {
  glance.push([
    "bundle",
    "≤ 30 KB min+gzip",
    `${(bundle.gzipBytes / 1024).toFixed(1)} KB`,
    bundle.met,
  ]);
}

const compareTag = process.argv.includes("--compare")
  ? process.argv[process.argv.indexOf("--compare") + 1]
  : undefined;
if (compareTag) compare(compareTag);

/** Before/after tables: the untagged results beside the ones written with BENCH_TAG=tag. */
function compare(tag) {
  const read = (part, suffix) => {
    const file = `${root}bench/results/${part}${suffix}.json`;
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  };
  const serverBefore = read("server-load", "");
  const serverAfter = read("server-load", `-${tag}`);
  for (const after of serverAfter?.scenarios ?? []) {
    const before = serverBefore?.scenarios.find((s) => s.name === after.name);
    if (!before?.real || !after.real) continue;
    out.push(
      `\n**${after.title}: current server vs \`${tag}\`** (floor of each run in brackets)\n`,
    );
    const rows = [
      ["server CPU µs / event", (r) => r.cpuPerEventUs],
      ["chunk latency p99 ms", (r) => r.latencyMs.p99],
      ["stretch max", (r) => r.stretch.max],
      ["heap KB / stream kept after", (r) => r.heapRetainedPerStreamKB],
    ];
    out.push(table(
      ["measure", "current", tag, `${tag} ÷ current`],
      rows.map(([label, get]) => [
        label,
        `${fmt(get(before.real))} (${fmt(get(before.floor))})`,
        `${fmt(get(after.real))} (${fmt(get(after.floor))})`,
        ratio(get(after.real), get(before.real)),
      ]),
    ));
  }
  const renderBefore = read("render", "");
  const renderAfter = read("render", `-${tag}`);
  for (const after of renderAfter?.scenarios ?? []) {
    const before = renderBefore?.scenarios.find((s) => s.name === after.name);
    if (!before) continue;
    out.push(`\n**Render ${after.title}: current bundle vs \`${tag}\`**\n`);
    const rows = [
      ["stamp → DOM p99 ms", (r) => r.stampToDomMs.p99],
      ["update ms p50", (r) => r.updateMs.p50],
      ["update ms p99", (r) => r.updateMs.p99],
      ["frames over 25 ms", (r) => r.framesOver25ms],
      ["long tasks", (r) => r.longTasks],
    ];
    out.push(
      table(
        ["measure", "current", tag],
        rows.map(([label, get]) => [label, fmt(get(before)), fmt(get(after))]),
      ),
    );
  }
}

console.log("### Goals at a glance\n");
console.log(
  table(
    ["part", "goal", "measured", "met"],
    glance.map(([part, goal, value, met]) => [part, goal, value, met ? "yes" : "**no**"]),
  ),
);
console.log();
console.log(out.join("\n"));
