/**
 * Tokens for the auth tests: HS256 with the test secret, or ES256 from a key set a local JWKS
 * server publishes (and rotates).
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** The HS256 secret the tests configure (32 bytes). */
export const TEST_SECRET = "test-secret-that-is-32-bytes-ok!";
/** Seconds since the epoch of the tests' fixed clock start (manualClock's default). */
export const NOW_S = 1_700_000_000;

/** Claims a test token carries; `exp` defaults to an hour after NOW_S. */
export interface TestClaims {
  sub?: string;
  name?: string;
  roles?: unknown[];
  iss?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  [claim: string]: unknown;
}

/** An HS256 token signed with `secret` (the test secret by default). */
export async function hsToken(claims: TestClaims, secret = TEST_SECRET): Promise<string> {
  return await new SignJWT({ exp: NOW_S + 3600, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** An unsigned token (`alg: none`) with the same claims. */
export function noneToken(claims: TestClaims): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ exp: NOW_S + 3600, ...claims })}.`;
}

/** An ES256 signing key with its public JWK. */
export interface SigningKey {
  kid: string;
  publicJwk: JWK;
  sign(claims: TestClaims): Promise<string>;
}

/** A fresh ES256 key named `kid`. */
export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return {
    kid,
    publicJwk,
    sign: (claims) =>
      new SignJWT({ exp: NOW_S + 3600, ...claims })
        .setProtectedHeader({ alg: "ES256", kid })
        .sign(privateKey),
  };
}

/** A JWKS served on 127.0.0.1; `publish` replaces the keys it serves (a rotation). */
export function serveJwks(keys: SigningKey[]) {
  let current = keys;
  let fetches = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    fetches++;
    return Response.json({ keys: current.map((key) => key.publicJwk) });
  });
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publish(next: SigningKey[]) {
      current = next;
    },
    fetches: () => fetches,
    close: () => server.shutdown(),
  };
}
