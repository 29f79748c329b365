// Records the `testing` entry's fixtures from a real server run on the scripted model at a real
// model's pace (200 characters, about 50 tokens, a second; so the recorded `ts` are a real run's):
// a workflow, a chat with reasoning and a failed workflow. Writes widgets/testing/fixtures/*.json;
// takes about 45 s.
//   node scripts/record-fixtures.mjs
import * as esbuild from "esbuild";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDenoServer } from "./deno-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}widgets/testing/fixtures`;

/** The package's own recorder, bundled on the fly (the fixtures it writes are part of the package). */
async function loadRecorder() {
  const { outputFiles } = await esbuild.build({
    entryPoints: [`${root}widgets/testing/record.ts`],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "warning",
  });
  const source = Buffer.from(outputFiles[0].contents).toString("base64");
  return await import(`data:text/javascript;base64,${source}`);
}

/** Starts a run through `url` (its first bytes name it) and returns its id; the run goes on. */
async function startRun(origin, url, init) {
  const response = await fetch(`${origin}${url}`, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  let text = "";
  for await (const bytes of response.body) {
    text += Buffer.from(bytes).toString();
    const id = /^id: (\S+)\.\d+$/m.exec(text);
    // Leaving the loop cancels the body: a disconnect, not a cancel, so the run goes on.
    if (id) return id[1];
  }
  throw new Error(`${url}: no event`);
}

const post = (body) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

const { recordRun } = await loadRecorder();
const server = await startDenoServer({
  env: { SCRIPTED_CHARS_PER_SEC: "200", SCRIPTED_FIRST_TOKEN_MS: "400", HEARTBEAT_MS: "15000" },
});
try {
  const { origin } = server;
  const record = async (name, runId) => {
    const events = await recordRun(runId, { apiBase: origin });
    const last = events.at(-1);
    writeFileSync(
      `${out}/${name}.json`,
      `[\n${events.map((e) => JSON.stringify(e)).join(",\n")}\n]\n`,
    );
    const seconds = ((last.ts - events[0].ts) / 1000).toFixed(1);
    console.log(`${name}: ${events.length} events, ${seconds} s, ${last.metadata.finish_reason}`);
  };
  const [workflow, chat] = await Promise.all([
    startRun(origin, "/api/cases/aki-nsaids/workflow/start/stream"),
    startRun(
      origin,
      "/api/chat/stream",
      post({
        message: "Which of her medicines should be held while the kidney function recovers?",
        caseId: "aki-nsaids",
      }),
    ),
  ]);
  await Promise.all([record("workflow-run", workflow), record("chat-run", chat)]);
  await fetch(`${origin}/api/demo/faults`, post({ fault: "fail", afterChars: 1200 }));
  await record(
    "failed-run",
    await startRun(origin, "/api/cases/dka-new-onset/workflow/start/stream"),
  );
} finally {
  await server.stop();
}
