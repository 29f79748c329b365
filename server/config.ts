/**
 * Configuration (DESIGN.md §5): every environment variable validated with zod at start-up. A bad
 * value stops the server with one line naming the variable.
 */
import * as z from "zod/mini";
import { authSettings, isLoopback } from "./auth/auth-config.ts";
import type { AuthSettings } from "./auth/token-verifier.ts";

/** The validated configuration the app runs with. */
export interface Config {
  port: number;
  host: string;
  llmProvider: "scripted" | "openai";
  openaiBaseUrl?: string;
  openaiApiKey?: string;
  llmModel?: string;
  scriptedCharsPerSec: number;
  scriptedFirstTokenMs: number;
  streamingEnabled: boolean;
  heartbeatMs: number;
  flushMs: number;
  orphanGraceMs: number;
  runTtlMs: number;
  upstreamIdleTimeoutMs: number;
  dataDir: string;
  corsOrigins: string[];
  rateLimitPerMin: number;
  maxConcurrentRuns: number;
  maxMessageChars: number;
  demoControls: boolean;
  /** The `retry:` line every stream starts with. */
  retryMs: number;
  /** A viewer whose unsent backlog passes this many bytes is dropped. */
  viewerBacklogBytes: number;
  /** Request bodies larger than this answer 413. */
  maxBodyBytes: number;
  /** Redis for runs and conversations shared by several instances; unset: embedded SQLite. */
  redisUrl?: string;
  /** With Redis: a run whose instance stops renewing its lease this long is lost. */
  runLeaseMs: number;
  /** Host names the server answers to (DNS rebinding): the `Host` of every request. */
  allowedHosts: string[];
  /** SSE responses one client may hold open at once. */
  maxViewersPerClient: number;
  /** Runs one client may have in flight at once. */
  maxRunsPerClient: number;
  /** A request body not received in full within this long answers 408. */
  bodyTimeoutMs: number;
  /** Bytes of SSE frames after which a run ends with `finish_reason: "length"`. */
  maxRunBytes: number;
  /** Characters of earlier conversation sent upstream with a chat message (the newest turns). */
  historyMaxChars: number;
  /** `gzip`: SSE bodies (flushed per event) and large JSON answers for clients that accept it. */
  sseCompression: "gzip" | "off";
  /** Finished runs and conversations older than this many days are purged; unset: kept. */
  retentionDays?: number;
  /** Bearer-token verification (DESIGN.md §8); undefined: auth off, every caller `anonymous`. */
  auth?: AuthSettings;
  /** Proxy hops in front of the server whose `X-Forwarded-For` entries are believed. */
  trustProxy: number;
  /** Folder of workflow definition files (DESIGN.md §9); unset: the built-in workflow only. */
  workflowsDir?: string;
  /** The workflow the catalog endpoints run. */
  defaultWorkflow: string;
  /** Folder of catalog cases; unset: the demo's synthetic cases. */
  casesDir?: string;
  /** Bytes a run's `input` may take as JSON. */
  maxInputBytes: number;
  /** `max_tokens` of every completion whose stage sets none. */
  maxOutputTokens: number;
  /** Where each run's result is posted, signed with `webhookSecret` (`whsec_…`). */
  webhook?: { url: string; secret: string };
  /** `GET /metrics` is mounted (METRICS_ENABLED, or a METRICS_TOKEN is set). */
  metricsEnabled: boolean;
  /** The bearer token a scrape of `/metrics` must carry; required for metrics once auth is on. */
  metricsToken?: string;
}

/** Thrown for an invalid variable; the message is the one line the server prints. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    z.string().check(z.regex(/^\d+$/)),
    z.pipe(z.transform(Number), z.int().check(z.minimum(min), z.maximum(max))),
  );
const bool = z.pipe(
  z.enum(["true", "false", "1", "0"]),
  z.transform((v) => v === "true" || v === "1"),
);
const text = z.string().check(z.minLength(1));
const list = <T>(item: z.ZodMiniType<T, string>) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((v) => v.split(",").map((o) => o.trim()).filter((o) => o !== "")),
    ),
    z.array(item),
  );
// A name as a Host header carries it, without the port: DNS names, IPv4, bracketed IPv6.
const hostName = z.pipe(
  z.string().check(z.regex(/^([a-z0-9.-]+|\[[0-9a-f:.]+\])$/i)),
  z.transform((v) => v.toLowerCase()),
);
const url = z.string().check(z.url({ protocol: /^https?$/ }));
const workflowId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/));
// Standard Webhooks secrets: `whsec_` and the base64 of the key.
const webhookSecret = z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/));
const redisUrl = z.string().check(z.url({ protocol: /^rediss?$/ }));
// Browsers send an origin exactly as scheme://host[:port]: anything else (a trailing slash, a
// path, `*`) would never match and fail silently.
const origins = list(z.string().check(z.refine(isOrigin)));

function isOrigin(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) &&
    new URL(value).origin === value;
}

/** Each variable, its schema and default (raw strings, as the environment would hold them). */
const VARIABLES = {
  PORT: { schema: int(0, 65535), fallback: "8000" },
  HOST: { schema: text, fallback: "127.0.0.1" },
  LLM_PROVIDER: { schema: z.enum(["scripted", "openai"]), fallback: "scripted" },
  OPENAI_BASE_URL: { schema: url, fallback: undefined },
  OPENAI_API_KEY: { schema: text, fallback: undefined },
  LLM_MODEL: { schema: text, fallback: undefined },
  SCRIPTED_CHARS_PER_SEC: { schema: int(1), fallback: "240" },
  SCRIPTED_FIRST_TOKEN_MS: { schema: int(0), fallback: "400" },
  STREAMING_ENABLED: { schema: bool, fallback: "true" },
  HEARTBEAT_MS: { schema: int(1), fallback: "15000" },
  FLUSH_MS: { schema: int(1), fallback: "40" },
  ORPHAN_GRACE_MS: { schema: int(0), fallback: "30000" },
  RUN_TTL_MS: { schema: int(0), fallback: "900000" },
  UPSTREAM_IDLE_TIMEOUT_MS: { schema: int(1), fallback: "30000" },
  DATA_DIR: { schema: text, fallback: "./data" },
  CORS_ORIGINS: { schema: origins, fallback: "" },
  RATE_LIMIT_PER_MIN: { schema: int(1), fallback: "30" },
  MAX_CONCURRENT_RUNS: { schema: int(1), fallback: "200" },
  MAX_MESSAGE_CHARS: { schema: int(1, 100_000), fallback: "8000" },
  DEMO_CONTROLS: { schema: bool, fallback: "false" },
  REDIS_URL: { schema: redisUrl, fallback: undefined },
  RUN_LEASE_MS: { schema: int(100, 3_600_000), fallback: "10000" },
  ALLOWED_HOSTS: { schema: list(hostName), fallback: "" },
  MAX_VIEWERS_PER_CLIENT: { schema: int(1), fallback: "64" },
  MAX_RUNS_PER_CLIENT: { schema: int(1), fallback: "16" },
  BODY_TIMEOUT_MS: { schema: int(1), fallback: "10000" },
  MAX_RUN_BYTES: { schema: int(4096), fallback: String(4 * 1024 * 1024) },
  HISTORY_MAX_CHARS: { schema: int(0), fallback: "48000" },
  SSE_COMPRESSION: { schema: z.enum(["gzip", "off"]), fallback: "gzip" },
  RETENTION_DAYS: { schema: int(1, 36_500), fallback: undefined },
  AUTH_JWKS_URL: { schema: url, fallback: undefined },
  AUTH_JWT_SECRET: { schema: text, fallback: undefined },
  AUTH_ISSUER: { schema: text, fallback: undefined },
  AUTH_AUDIENCE: { schema: text, fallback: undefined },
  AUTH_ROLES_CLAIM: { schema: text, fallback: "roles" },
  ALLOW_ANONYMOUS: { schema: bool, fallback: "false" },
  TRUST_PROXY: { schema: int(0, 32), fallback: "0" },
  WORKFLOWS_DIR: { schema: text, fallback: undefined },
  DEFAULT_WORKFLOW: { schema: workflowId, fallback: undefined },
  CASES_DIR: { schema: text, fallback: undefined },
  MAX_INPUT_BYTES: { schema: int(1024, 16 * 1024 * 1024), fallback: "262144" },
  MAX_OUTPUT_TOKENS: { schema: int(1, 1_000_000), fallback: "4096" },
  WEBHOOK_URL: { schema: url, fallback: undefined },
  WEBHOOK_SECRET: { schema: webhookSecret, fallback: undefined },
  METRICS_ENABLED: { schema: bool, fallback: "false" },
  METRICS_TOKEN: { schema: z.string().check(z.minLength(16)), fallback: undefined },
} as const;

type Name = keyof typeof VARIABLES;
type Values = { [K in Name]: z.infer<(typeof VARIABLES)[K]["schema"]> | undefined };

/** Validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const values = {} as Record<Name, unknown>;
  for (const name of Object.keys(VARIABLES) as Name[]) {
    const { schema, fallback } = VARIABLES[name];
    const raw = env[name] === undefined || env[name] === "" ? fallback : env[name];
    if (raw === undefined) continue;
    const result = schema.safeParse(raw);
    if (!result.success) {
      // Quoting the offending value helps, except for secrets (the key, a URL's password),
      // which never reach a log.
      const shown = name === "OPENAI_API_KEY" || name === "REDIS_URL" ||
          name === "AUTH_JWT_SECRET" || name === "WEBHOOK_URL" || name === "WEBHOOK_SECRET" ||
          name === "METRICS_TOKEN"
        ? ""
        : `: ${JSON.stringify(raw)}`;
      throw new ConfigError(`Invalid ${name}${shown}`);
    }
    values[name] = result.data;
  }
  const v = values as Values;
  const llmProvider = v.LLM_PROVIDER ?? "scripted";
  if (llmProvider === "openai") {
    for (const name of ["OPENAI_BASE_URL", "LLM_MODEL"] as const) {
      if (v[name] === undefined) {
        throw new ConfigError(`Missing ${name}: required when LLM_PROVIDER=openai`);
      }
    }
  }
  const maxMessageChars = v.MAX_MESSAGE_CHARS ?? 8000;
  const host = v.HOST ?? "127.0.0.1";
  const demoControls = v.DEMO_CONTROLS ?? false;
  // Until the admin role exists, a switch that turns streaming off for everyone stays local.
  if (demoControls && !isLoopback(host)) {
    throw new ConfigError(`Invalid DEMO_CONTROLS: "true" (needs a loopback HOST, not "${host}")`);
  }
  const auth = authSettings({
    host,
    jwksUrl: v.AUTH_JWKS_URL,
    secret: v.AUTH_JWT_SECRET,
    issuer: v.AUTH_ISSUER,
    audience: v.AUTH_AUDIENCE,
    rolesClaim: v.AUTH_ROLES_CLAIM,
    allowAnonymous: v.ALLOW_ANONYMOUS,
  });
  if ("error" in auth) throw new ConfigError(auth.error);
  if ((v.WEBHOOK_URL === undefined) !== (v.WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("Missing WEBHOOK_URL or WEBHOOK_SECRET: each needs the other");
  }
  return {
    port: v.PORT ?? 8000,
    host,
    llmProvider,
    openaiBaseUrl: v.OPENAI_BASE_URL,
    openaiApiKey: v.OPENAI_API_KEY,
    llmModel: v.LLM_MODEL,
    scriptedCharsPerSec: v.SCRIPTED_CHARS_PER_SEC ?? 240,
    scriptedFirstTokenMs: v.SCRIPTED_FIRST_TOKEN_MS ?? 400,
    streamingEnabled: v.STREAMING_ENABLED ?? true,
    heartbeatMs: v.HEARTBEAT_MS ?? 15000,
    flushMs: v.FLUSH_MS ?? 40,
    orphanGraceMs: v.ORPHAN_GRACE_MS ?? 30000,
    runTtlMs: v.RUN_TTL_MS ?? 900000,
    upstreamIdleTimeoutMs: v.UPSTREAM_IDLE_TIMEOUT_MS ?? 30000,
    dataDir: v.DATA_DIR ?? "./data",
    corsOrigins: v.CORS_ORIGINS ?? [],
    rateLimitPerMin: v.RATE_LIMIT_PER_MIN ?? 30,
    maxConcurrentRuns: v.MAX_CONCURRENT_RUNS ?? 200,
    maxMessageChars,
    demoControls,
    retryMs: 1000,
    viewerBacklogBytes: 1024 * 1024,
    // A message of the longest allowed length, fully escaped, plus the other fields.
    maxBodyBytes: maxMessageChars * 6 + 4096,
    redisUrl: v.REDIS_URL,
    runLeaseMs: v.RUN_LEASE_MS ?? 10000,
    allowedHosts: v.ALLOWED_HOSTS?.length ? v.ALLOWED_HOSTS : defaultHosts(host),
    maxViewersPerClient: v.MAX_VIEWERS_PER_CLIENT ?? 64,
    maxRunsPerClient: v.MAX_RUNS_PER_CLIENT ?? 16,
    bodyTimeoutMs: v.BODY_TIMEOUT_MS ?? 10000,
    maxRunBytes: v.MAX_RUN_BYTES ?? 4 * 1024 * 1024,
    historyMaxChars: v.HISTORY_MAX_CHARS ?? 48000,
    sseCompression: v.SSE_COMPRESSION ?? "gzip",
    retentionDays: v.RETENTION_DAYS,
    ...(auth.settings ? { auth: auth.settings } : {}),
    trustProxy: v.TRUST_PROXY ?? 0,
    workflowsDir: v.WORKFLOWS_DIR,
    defaultWorkflow: v.DEFAULT_WORKFLOW ?? "clinical-review",
    casesDir: v.CASES_DIR,
    maxInputBytes: v.MAX_INPUT_BYTES ?? 262144,
    maxOutputTokens: v.MAX_OUTPUT_TOKENS ?? 4096,
    ...(v.WEBHOOK_URL && v.WEBHOOK_SECRET
      ? { webhook: { url: v.WEBHOOK_URL, secret: v.WEBHOOK_SECRET } }
      : {}),
    metricsEnabled: (v.METRICS_ENABLED ?? false) || v.METRICS_TOKEN !== undefined,
    metricsToken: v.METRICS_TOKEN,
  };
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** The loopback names and the listen address itself, unless it is a wildcard. */
function defaultHosts(host: string): string[] {
  const named = host.includes(":") ? `[${host}]` : host.toLowerCase();
  const wildcard = host === "0.0.0.0" || host === "::";
  return wildcard || LOOPBACK_NAMES.includes(named) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, named];
}
