// Builds the widget bundles: dist/stream-widgets.js (ESM + source map), dist/stream-widgets.min.js,
// dist/react.js (the React components) and dist/testing.js (scripted streams for host apps' tests).
// With `--package` (what `npm pack` runs) it also writes the bundled declarations and
// dist/custom-elements.json.
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  conditions: ["production"],
  tsconfig: `${root}tsconfig.json`,
  legalComments: "none",
  logLevel: "warning",
};

/**
 * The React entry takes the elements from the main bundle, so a page that has both defines them
 * once; React and `@lit/react` come from the host app.
 */
const mainEntryOutside = {
  name: "main-entry-outside",
  setup(build) {
    build.onResolve({ filter: /^\.\/index\.ts$/ }, () => ({
      path: "./stream-widgets.js",
      external: true,
    }));
  },
};

/** Builds the bundles and returns the min+gzip size of the minified one in bytes. */
export async function build() {
  const entry = `${root}widgets/index.ts`;
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [entry], outfile: `${root}dist/stream-widgets.js` }),
    esbuild.build({
      ...common,
      entryPoints: [entry],
      outfile: `${root}dist/stream-widgets.min.js`,
      minify: true,
    }),
    esbuild.build({
      ...common,
      entryPoints: [`${root}widgets/react.ts`],
      outfile: `${root}dist/react.js`,
      external: ["react", "@lit/react"],
      plugins: [mainEntryOutside],
    }),
    // `stream-widgets/testing`: scripted streams, helpers and fixtures, for the browser and Node.
    esbuild.build({
      ...common,
      entryPoints: [`${root}widgets/testing/index.ts`],
      outfile: `${root}dist/testing.js`,
    }),
  ]);
  return gzipSync(readFileSync(`${root}dist/stream-widgets.min.js`)).length;
}

/** Everything the published package holds: the bundles, their declarations and the manifest. */
export async function buildPackage() {
  const bytes = await build();
  const [{ buildTypes }, { buildManifest }] = await Promise.all([
    import("./build-types.mjs"),
    import("./build-manifest.mjs"),
  ]);
  buildTypes();
  buildManifest();
  return bytes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await (process.argv.includes("--package") ? buildPackage() : build());
  console.log(`dist/stream-widgets.min.js: ${(bytes / 1024).toFixed(1)} KB min+gzip`);
}
