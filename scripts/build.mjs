// Builds the widget bundle: dist/stream-widgets.js (ESM + source map) and dist/stream-widgets.min.js.
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const common = {
  entryPoints: [`${root}widgets/index.ts`],
  bundle: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  conditions: ["production"],
  tsconfig: `${root}tsconfig.json`,
  legalComments: "none",
  logLevel: "warning",
};

/** Builds both bundles and returns the min+gzip size of the minified one in bytes. */
export async function build() {
  await Promise.all([
    esbuild.build({ ...common, outfile: `${root}dist/stream-widgets.js` }),
    esbuild.build({ ...common, outfile: `${root}dist/stream-widgets.min.js`, minify: true }),
  ]);
  return gzipSync(readFileSync(`${root}dist/stream-widgets.min.js`)).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await build();
  console.log(`dist/stream-widgets.min.js: ${(bytes / 1024).toFixed(1)} KB min+gzip`);
}
