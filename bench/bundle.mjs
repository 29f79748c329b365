// Bundle: builds dist/ with scripts/build.mjs and reports the min+gzip size of the widget bundle.
//
//   node bench/bundle.mjs
import { statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { build } from "../scripts/build.mjs";
import { printTable, root, writeResult } from "./lib/proc.mjs";

const GOAL_BYTES = 30 * 1024;

/** Builds the bundle and writes bench/results/bundle.json. */
export async function main() {
  const gzipBytes = await build();
  const minBytes = statSync(`${root}dist/stream-widgets.min.js`).size;
  const fullBytes = statSync(`${root}dist/stream-widgets.js`).size;
  console.log("\nBundle: dist/stream-widgets.min.js");
  printTable(["measure", "bytes", "KB"], [
    ["dist/stream-widgets.js", fullBytes, (fullBytes / 1024).toFixed(1)],
    ["min", minBytes, (minBytes / 1024).toFixed(1)],
    ["min + gzip", gzipBytes, (gzipBytes / 1024).toFixed(1)],
  ]);
  const parts = await composition();
  console.log("\nWhat the minified bundle holds (bytes of minified output per source):");
  printTable(["source", "bytes", "%"], parts.map((p) => [p.source, p.bytes, p.share]));
  const probes = await dependencyProbes();
  console.log("\nThe largest dependencies alone, as the widgets import them:");
  printTable(
    ["bundle of", "min KB", "min+gzip KB"],
    probes.map((p) => [p.name, p.minKB, p.gzipKB]),
  );
  const met = gzipBytes <= GOAL_BYTES;
  printTable(["goal", "measured", "met"], [[
    "≤ 30 KB min+gzip",
    `${(gzipBytes / 1024).toFixed(1)} KB`,
    met ? "yes" : "NO",
  ]]);
  console.log(
    `\nwrote ${
      writeResult("bundle", {
        fullBytes,
        minBytes,
        gzipBytes,
        goalBytes: GOAL_BYTES,
        met,
        parts,
        probes,
      })
    }`,
  );
}

const PROBES = {
  "marked (Lexer)": `import { Lexer } from "marked"; globalThis.probe = Lexer;`,
  "zod/mini (protocol/parse-event.ts)":
    `import { parseEvent } from "./protocol/parse-event.ts"; globalThis.probe = parseEvent;`,
  "lit + @lit/context": `import { css, html, LitElement } from "lit";
    import { consume, ContextProvider, createContext } from "@lit/context";
    globalThis.probe = [css, html, LitElement, consume, ContextProvider, createContext];`,
};

/** Min and min+gzip size of a bundle holding only one dependency, to see what each costs. */
async function dependencyProbes() {
  const probes = [];
  for (const [name, contents] of Object.entries(PROBES)) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: root, loader: "ts" },
      bundle: true,
      format: "esm",
      target: "es2022",
      conditions: ["production"],
      legalComments: "none",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    probes.push({
      name,
      minKB: round1(code.length / 1024),
      gzipKB: round1(gzipSync(code).length / 1024),
    });
  }
  return probes;
}

const round1 = (value) => Math.round(value * 10) / 10;

/** Minified output bytes per npm package (or project folder), from esbuild's metafile. */
async function composition() {
  const result = await esbuild.build({
    entryPoints: [`${root}widgets/index.ts`],
    bundle: true,
    format: "esm",
    target: "es2022",
    conditions: ["production"],
    tsconfig: `${root}tsconfig.json`,
    legalComments: "none",
    minify: true,
    write: false,
    metafile: true,
    outfile: "out.js",
    logLevel: "silent",
  });
  const bySource = new Map();
  let total = 0;
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      const source = pkg ?? path.split("/").slice(0, 2).join("/");
      bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
      total += bytesInOutput;
    }
  }
  return [...bySource].sort((a, b) => b[1] - a[1]).map(([source, bytes]) => ({
    source,
    bytes,
    share: Math.round((1000 * bytes) / total) / 10,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
