/**
 * Configuration (DESIGN.md §5): every environment variable validated with zod at start-up. A bad
 * value stops the server with one line naming the variable.
 */
import * as z from "zod/mini";

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
const url = z.string().check(z.url({ protocol: /^https?$/ }));
const redisUrl = z.string().check(z.url({ protocol: /^rediss?$/ }));
const origins = z.pipe(
  z.pipe(
    z.string(),
    z.transform((v) => v.split(",").map((o) => o.trim()).filter((o) => o !== "")),
  ),
  // Browsers send an origin exactly as scheme://host[:port]: anything else (a trailing slash, a
  // path, `*`) would never match and fail silently.
  z.array(z.string().check(z.refine(isOrigin))),
);

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
  DEMO_CONTROLS: { schema: bool, fallback: undefined },
  REDIS_URL: { schema: redisUrl, fallback: undefined },
  RUN_LEASE_MS: { schema: int(100, 3_600_000), fallback: "10000" },
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
      const shown = name === "OPENAI_API_KEY" || name === "REDIS_URL"
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
  return {
    port: v.PORT ?? 8000,
    host: v.HOST ?? "127.0.0.1",
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
    demoControls: v.DEMO_CONTROLS ?? llmProvider === "scripted",
    retryMs: 1000,
    viewerBacklogBytes: 1024 * 1024,
    // A message of the longest allowed length, fully escaped, plus the other fields.
    maxBodyBytes: maxMessageChars * 6 + 4096,
    redisUrl: v.REDIS_URL,
    runLeaseMs: v.RUN_LEASE_MS ?? 10000,
  };
}
