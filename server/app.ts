/**
 * The app factory: `createApp(deps)` wires configuration, provider, storage, clock and ids into
 * a Hono app. Tests call `app.request(...)` or serve it on port 0; `main.ts` serves it for real.
 */
import { Hono } from "hono";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { cors } from "./http/cors.ts";
import { errorResponse, HttpError } from "./http/errors.ts";
import { createRateLimiter } from "./http/rate-limit.ts";
import { createLogger, type Logger } from "./log.ts";
import type { LlmProvider } from "./providers/provider.ts";
import { chatRoutes } from "./routes/chat.ts";
import { installDemo } from "./demo/demo-layer.ts";
import { infoRoutes } from "./routes/info.ts";
import { runRoutes } from "./routes/runs.ts";
import { staticRoutes } from "./routes/static.ts";
import { workflowRoutes } from "./routes/workflow.ts";
import { RunRegistry } from "./runs/run-registry.ts";
import { randomId } from "./runs/ids.ts";
import { type Clock, systemClock } from "./runs/timers.ts";
import { SharedUnavailableError } from "./runs/shared-runs.ts";
import type { RedisBackend } from "./storage/redis-backend.ts";
import { type Conversations, embeddedConversations, type Store } from "./storage/store.ts";

/** What the app is made of; clock, ids, logger, root and version have production defaults. */
export interface AppDeps {
  config: Config;
  provider: LlmProvider;
  /** The embedded storage (SQLite); required unless `redis` is given, which then replaces it. */
  store?: Store;
  /** Redis (REDIS_URL): runs, conversations, presence and cancels shared by every instance. */
  redis?: RedisBackend;
  clock?: Clock;
  newId?: () => string;
  log?: Logger;
  /** Project root serving `demo/` and `dist/`; defaults to this checkout. */
  root?: string;
  version?: string;
}

/** The Hono app, plus `shutdown()`: ends every live run cleanly and clears the timers. */
export type App = Hono & { shutdown(): void; readonly context: AppContext };

/** Builds the app. */
export function createApp(deps: AppDeps): App {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? createLogger((line) => console.error(line));
  const newId = deps.newId ?? randomId;
  const { config, redis, store } = deps;
  if (!redis && !store) throw new Error("createApp needs a store or a Redis backend");
  const conversations: Conversations = redis?.conversations ?? embeddedConversations(store!);
  const ctx: AppContext = {
    config,
    provider: deps.provider,
    modelForRun: () => deps.provider,
    conversations,
    storage: redis ? "redis" : "sqlite",
    ...(redis ? { shared: redis.runs } : {}),
    clock,
    newId,
    log,
    limiter: createRateLimiter(config.rateLimitPerMin, () => clock.now()),
    registry: new RunRegistry({
      clock,
      newId,
      ...(redis ? { shared: redis.runs } : { store }),
      log,
      maxConcurrentRuns: config.maxConcurrentRuns,
      orphanGraceMs: config.orphanGraceMs,
      runTtlMs: config.runTtlMs,
      flushMs: config.flushMs,
      backlogBytes: config.viewerBacklogBytes,
    }),
    state: { streamingEnabled: config.streamingEnabled },
    root: deps.root ?? new URL("..", import.meta.url).pathname,
    version: deps.version ?? "0.0.0",
  };

  const app = new Hono();
  if (config.corsOrigins.length > 0) app.use("*", cors(config.corsOrigins));
  if (config.demoControls) installDemo(app, ctx);
  app.use("/api/*", async (c, next) => {
    const started = clock.now();
    await next();
    // The route pattern, never the path: paths carry ids only, but queries could carry anything.
    log("request", {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: clock.now() - started,
    });
  });
  infoRoutes(app, ctx);
  workflowRoutes(app, ctx);
  chatRoutes(app, ctx);
  runRoutes(app, ctx);
  staticRoutes(app, ctx);

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const methods = new Set(
      app.routes.filter((route) => route.method !== "ALL" && matches(route.path, path))
        .map((route) => route.method),
    );
    // Hono answers HEAD through the GET handler.
    if (methods.has("GET")) methods.add("HEAD");
    return errorResponse(
      methods.size > 0
        ? new HttpError(405, "invalid_request", "Method not allowed", {
          headers: { allow: [...methods].join(", ") },
        })
        : new HttpError(404, "not_found", "Not found"),
    );
  });
  app.onError((error, c) => {
    if (error instanceof HttpError) return errorResponse(error);
    if (error instanceof SharedUnavailableError) {
      log("storage_unavailable", { method: c.req.method, path: c.req.routePath });
      return errorResponse(
        new HttpError(503, "upstream_unavailable", "Storage is unreachable; please retry shortly"),
      );
    }
    // Never the message or stack: they may hold internals.
    log("request_failed", { method: c.req.method, path: c.req.routePath, error: error.name });
    return errorResponse(new HttpError(503, "internal", "Something went wrong; please retry"));
  });

  return Object.assign(app, { shutdown: () => ctx.registry.shutdown(), context: ctx });
}

/** Whether a route pattern (`/a/:id/*`) matches a path. */
function matches(pattern: string, path: string): boolean {
  const source = pattern.split("/").map((part) =>
    part === "*"
      ? ".*"
      : part.startsWith(":")
      ? "[^/]+"
      : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${source}$`).test(path);
}
