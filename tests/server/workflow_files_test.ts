/** The server as a process given its own workflow and case files: a bad one stops it in one line. */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs the server with `env` until it exits or prints its LISTENING line. */
async function startServer(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}server/main.ts`],
    cwd: ROOT,
    env: { PORT: "0", DATA_DIR: ":memory:", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { status, stdout, stderr };
}

/** A temporary folder holding `files`. */
async function folderWith(files: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [name, content] of Object.entries(files)) {
    await Deno.writeTextFile(
      `${dir}/${name}`,
      typeof content === "string" ? content : JSON.stringify(content),
    );
  }
  return dir;
}

const fixture = () =>
  JSON.parse(Deno.readTextFileSync(`${ROOT}tests/fixtures/workflows/discharge-summary.json`));

Deno.test("main prints one line naming a bad workflow file and its field, and exits 1", async () => {
  const broken = fixture();
  broken.stages[1].analysis.prompt = "{{stages.medz.analysis}}";
  const dir = await folderWith({ "discharge.json": broken });
  try {
    const { status, stdout, stderr } = await startServer({ WORKFLOWS_DIR: dir });
    assert.equal(status.code, 1);
    assert.equal(stdout, "");
    assert.equal(
      stderr.trim(),
      'Invalid workflow file "discharge.json": stages.1.analysis.prompt: uses "stages.medz.analysis", which is not an earlier stage\'s analysis or summary',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main prints one line for a catalog case that does not fit the default workflow", async () => {
  const dir = await folderWith({ "ward-4b.json": { id: "ward-4b", title: "No patient" } });
  try {
    const { status, stderr } = await startServer({ CASES_DIR: dir });
    assert.equal(status.code, 1);
    assert.equal(
      stderr.trim(),
      'Invalid case "ward-4b": patient: does not match workflow "clinical-review"',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main prints one line for a DEFAULT_WORKFLOW that no file defines", async () => {
  const { status, stderr } = await startServer({ DEFAULT_WORKFLOW: "discharge-summary" });
  assert.equal(status.code, 1);
  assert.equal(stderr.trim(), 'Invalid DEFAULT_WORKFLOW: "discharge-summary" (no such workflow)');
});
