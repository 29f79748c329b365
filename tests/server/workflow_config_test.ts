import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/config.ts";

const SECRET = `whsec_${btoa("a-test-secret-of-32-bytes-length")}`;

Deno.test("config: workflow, input and output bounds default as documented", () => {
  const config = loadConfig({});
  assert.deepEqual(
    [config.defaultWorkflow, config.maxInputBytes, config.maxOutputTokens, config.webhook],
    ["clinical-review", 262144, 4096, undefined],
  );
});

Deno.test("config: a webhook needs both its URL and its secret, and never prints them", () => {
  assert.deepEqual(
    loadConfig({ WEBHOOK_URL: "https://portal.example/hooks", WEBHOOK_SECRET: SECRET }).webhook,
    { url: "https://portal.example/hooks", secret: SECRET },
  );
  assert.throws(
    () => loadConfig({ WEBHOOK_URL: "https://portal.example/hooks" }),
    new ConfigError("Missing WEBHOOK_URL or WEBHOOK_SECRET: each needs the other"),
  );
  assert.throws(
    () => loadConfig({ WEBHOOK_URL: "https://portal.example/hooks", WEBHOOK_SECRET: "hunter2" }),
    new ConfigError("Invalid WEBHOOK_SECRET"),
  );
});

Deno.test("config: MAX_OUTPUT_TOKENS must be a positive whole number", () => {
  assert.throws(
    () => loadConfig({ MAX_OUTPUT_TOKENS: "0" }),
    new ConfigError('Invalid MAX_OUTPUT_TOKENS: "0"'),
  );
});
