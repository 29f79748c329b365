/**
 * The server process: the only place that reads the environment or calls Deno.serve. Prints
 * `LISTENING http://<host>:<port>` once listening; on SIGTERM/SIGINT ends every stream cleanly,
 * stops listening and exits.
 */
import pkg from "../package.json" with { type: "json" };
import { createApp } from "./app.ts";
import { openLocalAuth } from "./auth/local-auth.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { batchedLines, createLogger } from "./log.ts";
import { createOpenAiProvider } from "./providers/openai.ts";
import type { LlmProvider } from "./providers/provider.ts";
import { createScriptedProvider } from "./providers/scripted.ts";
import { randomId } from "./runs/ids.ts";
import { systemClock } from "./runs/timers.ts";
import { openSqliteOutbox } from "./storage/sqlite-outbox.ts";
import { createWebhookSender } from "./webhooks/webhook-sender.ts";
import { WorkflowError } from "./workflows/definition.ts";
import { loadServerData } from "./workflows/server-data.ts";
import { connectRedisBackend } from "./storage/redis-backend.ts";
import { openSqliteStore } from "./storage/sqlite-store.ts";
import type { Store } from "./storage/store.ts";

function readConfig(): Config {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}

function createProvider(config: Config): LlmProvider {
  switch (config.llmProvider) {
    case "scripted":
      return createScriptedProvider({
        charsPerSec: config.scriptedCharsPerSec,
        firstTokenMs: config.scriptedFirstTokenMs,
      });
    case "openai":
      return createOpenAiProvider({
        baseURL: config.openaiBaseUrl!,
        // Local OpenAI-compatible servers (Ollama, vLLM) accept any key.
        apiKey: config.openaiApiKey ?? "not-needed",
        model: config.llmModel!,
        idleTimeoutMs: config.upstreamIdleTimeoutMs,
      });
  }
}

/** The workflows and cases; a bad file ends the process in one line naming it. */
function readServerData(config: Config) {
  try {
    return loadServerData(config);
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}

function databasePath(dataDir: string): string {
  if (dataDir === ":memory:") return dataDir;
  // Owner-only: the database holds patient text.
  Deno.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return `${dataDir.replace(/\/$/, "")}/stream-widgets.db`;
}

/** The SQLite store under DATA_DIR; a DATA_DIR that cannot hold it ends the process in one line. */
function openStore(dataDir: string): Store {
  try {
    return openSqliteStore(databasePath(dataDir));
  } catch {
    console.error(`Invalid DATA_DIR: "${dataDir}" (cannot open the database)`);
    Deno.exit(1);
  }
}

const config = readConfig();
const serverData = readServerData(config);
const stderr = new TextEncoder();
const logLines = batchedLines((text) => {
  const bytes = stderr.encode(text);
  for (let written = 0; written < bytes.length;) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
});
const log = createLogger(logLines.line);
// `unload` comes on every exit, `Deno.exit` included: what waits is written then.
globalThis.addEventListener("unload", logLines.flush);
// With REDIS_URL, Redis holds runs and conversations and SQLite is not opened at all.
const redis = config.redisUrl === undefined ? undefined : await connectRedisBackend({
  url: config.redisUrl,
  instanceId: randomId(),
  leaseMs: config.runLeaseMs,
  runTtlMs: config.runTtlMs,
  ...(config.retentionDays === undefined ? {} : { retentionDays: config.retentionDays }),
  log,
});
const store = redis ? undefined : openStore(config.dataDir);
// The webhook outbox lives in the SQLite database under DATA_DIR, with Redis too.
const webhooks = config.webhook && createWebhookSender({
  ...config.webhook,
  outbox: openSqliteOutbox(databasePath(config.dataDir)),
  clock: systemClock,
  log,
});
// Grants and the audit trail sit in the database that holds the runs (with Redis, in Redis).
const localAuth = store && openLocalAuth(databasePath(config.dataDir), systemClock);
const app = createApp({
  config,
  provider: createProvider(config),
  ...(redis ? { redis } : { store, authStorage: localAuth }),
  log,
  version: pkg.version,
  ...serverData,
  ...(webhooks ? { webhooks } : {}),
});
// Messages an earlier process left undelivered go out now.
webhooks?.start();
log("storage", { storage: redis ? "redis" : "sqlite", instanceId: redis?.runs.instanceId });

const server = listen();

/** Serves the app; an address that cannot be listened on ends the process in one line. */
function listen(): Deno.HttpServer {
  try {
    return Deno.serve({
      port: config.port,
      hostname: config.host,
      onListen: ({ hostname, port }) =>
        console.log(
          `LISTENING http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
        ),
    }, (request, info) => app.fetch(request, info));
  } catch (error) {
    const inUse = error instanceof Deno.errors.AddrInUse;
    console.error(
      inUse
        ? `Invalid PORT: "${config.port}" (address in use on ${config.host})`
        : `Invalid HOST: "${config.host}" (cannot listen on it)`,
    );
    Deno.exit(1);
  }
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("shutdown", { signal, running: app.context.registry.running });
  app.shutdown();
  await server.shutdown();
  webhooks?.stop();
  store?.close();
  localAuth?.close();
  await redis?.close();
  Deno.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => void stop(signal));
}
