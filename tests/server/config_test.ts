import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/config.ts";

Deno.test("config applies the documented defaults to an empty environment", () => {
  const config = loadConfig({});
  assert.deepEqual(
    [
      config.port,
      config.host,
      config.llmProvider,
      config.scriptedCharsPerSec,
      config.scriptedFirstTokenMs,
    ],
    [8000, "127.0.0.1", "scripted", 240, 400],
  );
  assert.deepEqual(
    [
      config.heartbeatMs,
      config.flushMs,
      config.orphanGraceMs,
      config.runTtlMs,
      config.upstreamIdleTimeoutMs,
    ],
    [15000, 40, 30000, 900000, 30000],
  );
  assert.deepEqual(
    [
      config.dataDir,
      config.corsOrigins,
      config.rateLimitPerMin,
      config.maxConcurrentRuns,
      config.maxMessageChars,
    ],
    ["./data", [], 30, 200, 8000],
  );
  assert.equal(config.streamingEnabled, true);
  assert.equal(config.demoControls, false);
  assert.deepEqual(
    [
      config.allowedHosts,
      config.maxViewersPerClient,
      config.maxRunsPerClient,
      config.bodyTimeoutMs,
      config.maxRunBytes,
      config.historyMaxChars,
      config.retentionDays,
    ],
    [["localhost", "127.0.0.1", "[::1]"], 64, 16, 10000, 4194304, 48000, undefined],
  );
});

Deno.test("config parses lists, flags and numbers", () => {
  const config = loadConfig({
    PORT: "0",
    CORS_ORIGINS: "https://a.example, https://b.example",
    STREAMING_ENABLED: "false",
    RATE_LIMIT_PER_MIN: "5",
  });
  assert.deepEqual(config.corsOrigins, ["https://a.example", "https://b.example"]);
  assert.equal(config.port, 0);
  assert.equal(config.streamingEnabled, false);
  assert.equal(config.rateLimitPerMin, 5);
});

Deno.test("config rejects CORS_ORIGINS entries that are not origins", () => {
  for (
    const bad of [
      "https://a.example/",
      "https://a.example/app",
      "*",
      "a.example",
      "ftp://a.example",
    ]
  ) {
    assert.throws(
      () => loadConfig({ CORS_ORIGINS: `https://ok.example,${bad}` }),
      (error: Error) =>
        error instanceof ConfigError && error.message.startsWith("Invalid CORS_ORIGINS"),
      bad,
    );
  }
  assert.deepEqual(
    loadConfig({ CORS_ORIGINS: "http://127.0.0.1:8080" }).corsOrigins,
    ["http://127.0.0.1:8080"],
  );
});

Deno.test("config turns demo controls on only when DEMO_CONTROLS=true, whatever the provider", () => {
  assert.equal(loadConfig({}).demoControls, false);
  assert.equal(loadConfig({ DEMO_CONTROLS: "true" }).demoControls, true);
  assert.equal(
    loadConfig({
      LLM_PROVIDER: "openai",
      OPENAI_BASE_URL: "http://x/v1",
      LLM_MODEL: "m",
      DEMO_CONTROLS: "true",
    }).demoControls,
    true,
  );
});

Deno.test("config rejects a bad value with one line naming the variable", () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: "abc" }, 'Invalid PORT: "abc"'],
    [{ PORT: "70000" }, 'Invalid PORT: "70000"'],
    [{ LLM_PROVIDER: "magic" }, 'Invalid LLM_PROVIDER: "magic"'],
    [{ STREAMING_ENABLED: "maybe" }, 'Invalid STREAMING_ENABLED: "maybe"'],
    [{ FLUSH_MS: "-1" }, 'Invalid FLUSH_MS: "-1"'],
    [
      { LLM_PROVIDER: "openai", LLM_MODEL: "m" },
      "Missing OPENAI_BASE_URL: required when LLM_PROVIDER=openai",
    ],
    [{ LLM_PROVIDER: "openai", OPENAI_BASE_URL: "ftp://x" }, 'Invalid OPENAI_BASE_URL: "ftp://x"'],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && error.message === message,
    );
  }
});

Deno.test("config reads REDIS_URL and RUN_LEASE_MS, embedded and 10 s by default", () => {
  const defaults = loadConfig({});
  assert.equal(defaults.redisUrl, undefined);
  assert.equal(defaults.runLeaseMs, 10000);
  const clustered = loadConfig({
    REDIS_URL: "redis://:secret@10.0.0.5:6379/2",
    RUN_LEASE_MS: "1500",
  });
  assert.equal(clustered.redisUrl, "redis://:secret@10.0.0.5:6379/2");
  assert.equal(clustered.runLeaseMs, 1500);
  assert.equal(
    loadConfig({ REDIS_URL: "rediss://cache.example:6380" }).redisUrl,
    "rediss://cache.example:6380",
  );
});

Deno.test("config rejects a bad REDIS_URL without quoting it, and a too short lease", () => {
  assert.throws(
    () => loadConfig({ REDIS_URL: "http://:secret@cache.example" }),
    (error: Error) => error instanceof ConfigError && error.message === "Invalid REDIS_URL",
  );
  assert.throws(
    () => loadConfig({ RUN_LEASE_MS: "50" }),
    (error: Error) =>
      error instanceof ConfigError && error.message.startsWith("Invalid RUN_LEASE_MS"),
  );
});

Deno.test("config refuses demo controls on a host that is not loopback", () => {
  assert.throws(
    () => loadConfig({ HOST: "0.0.0.0", DEMO_CONTROLS: "true" }),
    (error: Error) =>
      error instanceof ConfigError &&
      error.message === 'Invalid DEMO_CONTROLS: "true" (needs a loopback HOST, not "0.0.0.0")',
  );
  assert.equal(loadConfig({ HOST: "localhost", DEMO_CONTROLS: "true" }).demoControls, true);
});

Deno.test("config allows the loopback names and the listen address, or ALLOWED_HOSTS", () => {
  assert.deepEqual(loadConfig({ HOST: "10.0.0.5", ALLOW_ANONYMOUS: "true" }).allowedHosts, [
    "localhost",
    "127.0.0.1",
    "[::1]",
    "10.0.0.5",
  ]);
  assert.deepEqual(loadConfig({ HOST: "0.0.0.0", ALLOW_ANONYMOUS: "true" }).allowedHosts, [
    "localhost",
    "127.0.0.1",
    "[::1]",
  ]);
  assert.deepEqual(
    loadConfig({ ALLOWED_HOSTS: "Portal.Example, [::1]" }).allowedHosts,
    ["portal.example", "[::1]"],
  );
  assert.throws(
    () => loadConfig({ ALLOWED_HOSTS: "portal.example:8000" }),
    (error: Error) =>
      error instanceof ConfigError && error.message.startsWith("Invalid ALLOWED_HOSTS"),
  );
});
