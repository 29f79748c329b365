/**
 * The shape of the source: small files, no import cycles, and a core that knows nothing of the
 * demo. Case and script data files are data, not code, and may be long.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const SOURCE_DIRS = ["server", "widgets", "protocol", "demo"];
const DATA_DIRS = ["server/cases/catalog/", "server/providers/scripts/"];
const MAX_LINES = 300;
const IMPORT = /(?:import|export)\s[^'";]*?from\s+["'](\.{1,2}\/[^"']+)["']/g;

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|js|css)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) await walk(dir);
  return files;
}

/** Each module's relative imports, as paths from the project root. */
async function importGraph(files: string[]): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of files.filter((f) => !f.endsWith(".css"))) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const base = new URL(file, ROOT);
    graph.set(
      file,
      [...text.matchAll(IMPORT)].map((m) => new URL(m[1], base).href.slice(ROOT.href.length)),
    );
  }
  return graph;
}

Deno.test("no source file is longer than 300 lines", async () => {
  const long: string[] = [];
  for (const file of await sourceFiles()) {
    if (DATA_DIRS.some((dir) => file.startsWith(dir))) continue;
    const lines = (await Deno.readTextFile(new URL(file, ROOT))).split("\n").length - 1;
    if (lines > MAX_LINES) long.push(`${file} (${lines})`);
  }
  assert.deepEqual(long, []);
});

Deno.test("no module imports another in a circle", async () => {
  const graph = await importGraph(await sourceFiles());
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...path, file, next].join(" -> "));
      else if (!state.has(next) && graph.has(next)) visit(next, [...path, file]);
    }
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
  assert.deepEqual(cycles, []);
});

Deno.test("the core imports no demo code", async () => {
  const graph = await importGraph(await sourceFiles());
  const core = ["server/runs/", "server/sse/", "server/storage/"];
  const offending = [...graph].filter(([file]) => core.some((dir) => file.startsWith(dir)))
    .flatMap(([file, imports]) =>
      imports.filter((target) => target.startsWith("server/demo/")).map((t) => `${file} -> ${t}`)
    );
  assert.deepEqual(offending, []);
});
