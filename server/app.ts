/**
 * The app factory: `createApp(deps)` wires configuration, provider, storage, clock and ids into
 * a Hono app. Tests call `app.request(...)` or serve it on port 0; `main.ts` serves it for real.
 */
import { Hono } from "hono";
import type { AuthStorage } from "./auth/auth-storage.ts";
import { authenticate } from "./auth/authenticate.ts";
import { openLocalAuth } from "./auth/local-auth.ts";
import { createTokenVerifier, type TokenVerifier } from "./auth/token-verifier.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { allowedHosts } from "./http/allowed-hosts.ts";
import { bodyDeadline } from "./http/body.ts";
import { compression } from "./http/compression.ts";
import { clientKey } from "./http/client-key.ts";
import { createClientSlots } from "./http/client-slots.ts";
import { cors } from "./http/cors.ts";
import { sameSiteOnly } from "./http/cross-site.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { streamCap } from "./http/stream-cap.ts";
import { errorResponse, HttpError } from "./http/errors.ts";
import { createRateLimiter } from "./http/rate-limit.ts";
import { createLogger, type Logger } from "./log.ts";
import type { LlmProvider } from "./providers/provider.ts";
import { accessRoutes } from "./routes/access.ts";
import { chatRoutes } from "./routes/chat.ts";
import { installDemo } from "./demo/demo-layer.ts";
import { infoRoutes } from "./routes/info.ts";
import { ServerMetrics } from "./metrics/server-metrics.ts";
import { metricsGate, metricsRoutes } from "./routes/metrics.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { runRoutes } from "./routes/runs.ts";
import { runEventsRoutes } from "./routes/run-events.ts";
import { runExportRoutes } from "./routes/run-export.ts";
import { workflowRunRoutes } from "./routes/workflow-runs.ts";
import { type CaseCatalog, caseCatalog, demoCases } from "./cases/cases.ts";
import { type WorkflowCatalog, workflowCatalog } from "./workflows/catalog.ts";
import type { RunEndListener } from "./webhooks/webhook-sender.ts";
import { staticRoutes } from "./routes/static.ts";
import { workflowRoutes } from "./routes/workflow.ts";
import { RunRegistry } from "./runs/run-registry.ts";
import { randomId } from "./runs/ids.ts";
import { type Clock, systemClock } from "./runs/timers.ts";
import { SharedUnavailableError } from "./runs/shared-runs.ts";
import { startRetention } from "./storage/retention.ts";
import type { RedisBackend } from "./storage/redis-backend.ts";
import { type Conversations, embeddedConversations, type Store } from "./storage/store.ts";
import { memorySummaries, type Summaries } from "./storage/summaries.ts";

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
  /** The workflows (DESIGN.md §9); defaults to the built-in one. */
  workflows?: WorkflowCatalog;
  /** The catalog cases; defaults to the demo's, checked against the default workflow. */
  cases?: CaseCatalog;
  /** Told of every run's end (the webhook sender). */
  webhooks?: RunEndListener;
  /** Grants, audit, tickets and presence; default: Redis's when given, else in memory. */
  authStorage?: AuthStorage;
  /** Verifies bearer tokens; default: built from `config.auth` (none when auth is off). */
  verifyToken?: TokenVerifier;
}

/** The Hono app, plus `shutdown()`: ends every live run cleanly and clears the timers. */
export type App = Hono & { shutdown(): void; readonly context: AppContext };

/** Builds the app. */
export function createApp(deps: AppDeps): App {
  const clock = deps.clock ?? systemClock;
  // Metrics read the structured log, through which every part already reports.
  const metrics = deps.config.metricsEnabled
    ? new ServerMetrics({ runsInFlight: () => ctx.registry.running })
    : undefined;
  const baseLog = deps.log ?? createLogger((line) => console.error(line));
  const log = metrics?.observing(baseLog) ?? baseLog;
  const newId = deps.newId ?? randomId;
  const { config, redis, store } = deps;
  const workflows = deps.workflows ?? workflowCatalog([], { defaultId: config.defaultWorkflow });
  if (!redis && !store) throw new Error("createApp needs a store or a Redis backend");
  const conversations: Conversations = redis?.conversations ?? embeddedConversations(store!);
  const ctx: AppContext = {
    config,
    provider: deps.provider,
    modelForRun: () => deps.provider,
    conversations,
    summaries: store && !redis ? storedSummaries(store) : memorySummaries(),
    storage: redis ? "redis" : "sqlite",
    ...(redis ? { shared: redis.runs } : {}),
    clock,
    newId,
    log,
    limiter: createRateLimiter(config.rateLimitPerMin, () => clock.now()),
    caps: {
      viewers: createClientSlots(config.maxViewersPerClient),
      runs: createClientSlots(config.maxRunsPerClient),
    },
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
      maxRunBytes: config.maxRunBytes,
    }),
    state: { streamingEnabled: config.streamingEnabled },
    workflows,
    cases: deps.cases ?? caseCatalog(demoCases(), workflows.default),
    ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
    auth: {
      ...authVerifier(deps, clock),
      storage: deps.authStorage ?? redis?.auth ?? openLocalAuth(":memory:", clock),
    },
    root: deps.root ?? new URL("..", import.meta.url).pathname,
    version: deps.version ?? "0.0.0",
  };

  const app = new Hono();
  // Outermost: every other layer sees, taps or cuts the plain body.
  app.use("*", compression({ mode: config.sseCompression }));
  app.use("*", securityHeaders());
  app.use("*", allowedHosts(config.allowedHosts));
  if (config.corsOrigins.length > 0) app.use("*", cors(config.corsOrigins));
  const sameSite = sameSiteOnly(config.corsOrigins);
  // Everything that starts or changes work: every POST, and the GET streams that start workflows.
  app.use(
    "/api/*",
    (c, next) =>
      c.req.method === "POST" || /\/workflow\/.+\/stream$/.test(c.req.path)
        ? sameSite(c, next)
        : next(),
  );
  app.use("/api/*", bodyDeadline(config.bodyTimeoutMs));
  // Before the caps, so that they count per signed-in user.
  app.use("/api/*", authenticate(ctx));
  app.use("/api/*", streamCap(ctx.caps.viewers, { client: clientKey, log }));
  if (metrics) {
    const gate = metricsGate({
      token: config.metricsToken,
      authEnabled: config.auth !== undefined,
    });
    metricsRoutes(app, metrics, gate);
  }
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
  openApiRoutes(app, ctx);
  workflowRoutes(app, ctx);
  chatRoutes(app, ctx);
  workflowRunRoutes(app, ctx);
  runRoutes(app, ctx);
  runEventsRoutes(app, ctx);
  runExportRoutes(app, ctx);
  accessRoutes(app, ctx);
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

  // Runs the previous process had in flight died with it: their partial replies are kept.
  const interrupted = store && !redis
    ? store.recoverInterruptedRuns({ now: clock.now(), newId })
    : 0;
  if (interrupted > 0) log("runs_interrupted", { count: interrupted });
  const stopRetention = store && !redis && config.retentionDays !== undefined
    ? startRetention(store, { days: config.retentionDays, clock, log })
    : undefined;

  const shutdown = () => {
    stopRetention?.();
    ctx.registry.shutdown();
    ctx.auth.storage.presence.close();
  };
  return Object.assign(app, { shutdown, context: ctx });
}

/** Recaps kept beside the conversations in the embedded store. */
function storedSummaries(store: Store): Summaries {
  return {
    get: (id) => Promise.resolve(store.loadSummary(id)),
    set: (id, summary) => Promise.resolve(store.saveSummary(id, summary)),
  };
}

/** The token verifier: injected, built from the configuration, or none (auth off). */
function authVerifier(deps: AppDeps, clock: Clock): { verify?: TokenVerifier } {
  if (deps.verifyToken) return { verify: deps.verifyToken };
  return deps.config.auth ? { verify: createTokenVerifier(deps.config.auth, { clock }) } : {};
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
