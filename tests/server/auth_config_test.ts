/** The auth variables: open only on loopback, one key source, secrets never echoed. */
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/config.ts";
import { clientAddress } from "../../server/http/client-address.ts";
import type { Context } from "hono";

const SECRET = "s".repeat(32);

Deno.test("config: without auth the server runs open on loopback only", () => {
  assert.equal(loadConfig({}).auth, undefined);
  assert.equal(loadConfig({ HOST: "::1" }).auth, undefined);
  assert.throws(
    () => loadConfig({ HOST: "0.0.0.0" }),
    new ConfigError(
      'Refusing to listen on HOST "0.0.0.0" without auth: set AUTH_JWKS_URL or ' +
        "AUTH_JWT_SECRET, or ALLOW_ANONYMOUS=true",
    ),
  );
  assert.equal(loadConfig({ HOST: "0.0.0.0", ALLOW_ANONYMOUS: "true" }).auth, undefined);
});

Deno.test("config: auth settings from the environment", () => {
  assert.deepEqual(
    loadConfig({
      HOST: "0.0.0.0",
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: "https://portal.test",
      AUTH_AUDIENCE: "stream-widgets",
      AUTH_ROLES_CLAIM: "groups",
    }).auth,
    {
      secret: SECRET,
      issuer: "https://portal.test",
      audience: "stream-widgets",
      rolesClaim: "groups",
    },
  );
  assert.deepEqual(loadConfig({ AUTH_JWKS_URL: "https://idp.test/jwks" }).auth, {
    jwksUrl: "https://idp.test/jwks",
    rolesClaim: "roles",
  });
});

Deno.test("config: bad auth settings stop the server with one line, secrets unquoted", () => {
  const line = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      return (error as Error).message;
    }
  };
  assert.equal(line({ AUTH_JWT_SECRET: "short" }), "Invalid AUTH_JWT_SECRET: at least 32 bytes");
  assert.equal(
    line({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: "https://idp.test/jwks" }),
    "Invalid AUTH_JWT_SECRET: set AUTH_JWKS_URL or AUTH_JWT_SECRET, not both",
  );
  assert.equal(
    line({ AUTH_JWKS_URL: "http://idp.test/jwks" }),
    'Invalid AUTH_JWKS_URL: "http://idp.test/jwks" (https required)',
  );
  assert.equal(line({ AUTH_JWKS_URL: "ftp://x" }), 'Invalid AUTH_JWKS_URL: "ftp://x"');
  assert.equal(line({ TRUST_PROXY: "-1" }), 'Invalid TRUST_PROXY: "-1"');
  assert.equal(line({ ALLOW_ANONYMOUS: "yes" }), 'Invalid ALLOW_ANONYMOUS: "yes"');
});

Deno.test("client address: TRUST_PROXY believes only the entries its proxies appended", () => {
  const request = (forwarded?: string) =>
    ({
      env: { remoteAddr: { hostname: "10.0.0.9" } },
      req: { header: () => forwarded },
    }) as unknown as Context;
  assert.equal(clientAddress(request("6.6.6.6"), 0), "10.0.0.9");
  assert.equal(clientAddress(request("6.6.6.6, 203.0.113.7"), 1), "203.0.113.7");
  assert.equal(clientAddress(request("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2), "203.0.113.7");
  assert.equal(clientAddress(request(undefined), 1), "10.0.0.9");
  assert.equal(clientAddress(request("203.0.113.7"), 3), "203.0.113.7");
});
