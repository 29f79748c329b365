/** Token verification: each way a token can be wrong answers TokenRejected; a good one a caller. */
import assert from "node:assert/strict";
import { createTokenVerifier, TokenRejected } from "../../server/auth/token-verifier.ts";
import { manualClock } from "./harness.ts";
import {
  hsToken,
  noneToken,
  NOW_S,
  serveJwks,
  signingKey,
  TEST_SECRET,
} from "../support/tokens.ts";

const clock = manualClock(NOW_S * 1000);
const settings = {
  secret: TEST_SECRET,
  issuer: "https://portal.test",
  audience: "stream-widgets",
  rolesClaim: "roles",
};
const verify = createTokenVerifier(settings, { clock });
const good = { sub: "dr-ada", iss: "https://portal.test", aud: "stream-widgets" };

async function rejects(token: string): Promise<void> {
  await assert.rejects(verify(token), TokenRejected);
}

Deno.test("verifier accepts a good HS256 token and reads sub, name, roles and expiry", async () => {
  const caller = await verify(await hsToken({ ...good, name: "Dr Ada", roles: ["auditor", 7] }));
  assert.deepEqual(caller, {
    sub: "dr-ada",
    name: "Dr Ada",
    roles: ["auditor"],
    anonymous: false,
    expiresAt: (NOW_S + 3600 + 30) * 1000,
  });
});

Deno.test("verifier rejects an expired token past the 30 s leeway, accepts one within it", async () => {
  await rejects(await hsToken({ ...good, exp: NOW_S - 31 }));
  assert.equal((await verify(await hsToken({ ...good, exp: NOW_S - 29 }))).sub, "dr-ada");
});

Deno.test("verifier rejects a token not yet valid past the leeway", async () => {
  await rejects(await hsToken({ ...good, nbf: NOW_S + 31 }));
  assert.equal((await verify(await hsToken({ ...good, nbf: NOW_S + 29 }))).sub, "dr-ada");
});

Deno.test("verifier rejects a wrong issuer and a wrong audience", async () => {
  await rejects(await hsToken({ ...good, iss: "https://evil.test" }));
  await rejects(await hsToken({ ...good, aud: "another-app" }));
});

Deno.test("verifier rejects alg none, a wrong key, and a tampered payload", async () => {
  await rejects(noneToken(good));
  await rejects(await hsToken(good, "another-secret-that-is-32-bytes!"));
  const [head, , signature] = (await hsToken(good)).split(".");
  const forged = btoa(JSON.stringify({ ...good, sub: "dr-eve", exp: NOW_S + 3600 }))
    .replace(/=+$/, "");
  await rejects(`${head}.${forged}.${signature}`);
});

Deno.test("verifier requires sub and exp and rejects garbage", async () => {
  await rejects(await hsToken({ iss: good.iss, aud: good.aud }));
  await rejects(await hsToken({ ...good, sub: "  " }));
  const noExp = await new (await import("jose")).SignJWT({ ...good })
    .setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(TEST_SECRET));
  await rejects(noExp);
  await rejects("not-a-token");
  await rejects("a".repeat(20_000));
});

Deno.test("verifier reads roles from the configured claim", async () => {
  const custom = createTokenVerifier({ secret: TEST_SECRET, rolesClaim: "groups" }, { clock });
  const caller = await custom(await hsToken({ sub: "dr-ada", groups: ["auditor"], roles: ["x"] }));
  assert.deepEqual(caller.roles, ["auditor"]);
});

Deno.test("verifier with a JWKS accepts ES256 and refuses HS256 and alg none", async () => {
  const key = await signingKey("k1");
  const jwks = serveJwks([key]);
  try {
    const fromJwks = createTokenVerifier({ jwksUrl: jwks.url, rolesClaim: "roles" }, { clock });
    assert.equal((await fromJwks(await key.sign({ sub: "dr-ada" }))).sub, "dr-ada");
    await assert.rejects(fromJwks(await hsToken({ sub: "dr-ada" })), TokenRejected);
    await assert.rejects(fromJwks(noneToken({ sub: "dr-ada" })), TokenRejected);
  } finally {
    await jwks.close();
  }
});

Deno.test("verifier follows a JWKS that rotates its key, and drops the retired one", async () => {
  const [oldKey, newKey] = [await signingKey("2026-a"), await signingKey("2026-b")];
  const jwks = serveJwks([oldKey]);
  try {
    const fromJwks = createTokenVerifier({ jwksUrl: jwks.url, rolesClaim: "roles" }, {
      clock,
      jwksCooldownMs: 0,
    });
    assert.equal((await fromJwks(await oldKey.sign({ sub: "dr-ada" }))).sub, "dr-ada");
    assert.equal(jwks.fetches(), 1);
    jwks.publish([newKey]);
    // An unknown kid fetches the set again.
    assert.equal((await fromJwks(await newKey.sign({ sub: "dr-bo" }))).sub, "dr-bo");
    assert.equal(jwks.fetches(), 2);
    await assert.rejects(fromJwks(await oldKey.sign({ sub: "dr-ada" })), TokenRejected);
  } finally {
    await jwks.close();
  }
});
