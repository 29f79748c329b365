/**
 * Bearer token verification with `jose` (DESIGN.md §8): an HS256 shared secret, or the keys of a
 * JWKS URL (cached, re-fetched on an unknown `kid`). Algorithms are an allow-list per key source,
 * so `alg: none` and a secret used as an RSA public key never pass. `exp` is required; `exp` and
 * `nbf` allow 30 s of clock skew.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Clock } from "../runs/timers.ts";
import type { Caller } from "./identity.ts";

/** Where keys come from and what the claims must say. */
export interface AuthSettings {
  /** The identity provider's JWKS (OIDC). */
  jwksUrl?: string;
  /** HS256 shared secret, at least 32 bytes. */
  secret?: string;
  issuer?: string;
  audience?: string;
  /** The claim (an array of strings) that carries roles. */
  rolesClaim: string;
}

/** Thrown for any token that does not verify; the reason is for logs, never for the client. */
export class TokenRejected extends Error {
  override name = "TokenRejected";
}

/** Verifies a compact JWT and returns its caller, or throws TokenRejected. */
export type TokenVerifier = (token: string) => Promise<Caller>;

const LEEWAY_SECONDS = 30;
// Far above any real token; bounds the work a hostile header can cause.
const MAX_TOKEN_CHARS = 16 * 1024;
const HMAC_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA"];

/** Builds the verifier for `settings`; `jwksCooldownMs` is how soon an unknown `kid` re-fetches. */
export function createTokenVerifier(
  settings: AuthSettings,
  { clock, jwksCooldownMs = 30_000 }: { clock: Clock; jwksCooldownMs?: number },
): TokenVerifier {
  const { key, algorithms } = keySource(settings, jwksCooldownMs);
  return async (token) => {
    if (token.length > MAX_TOKEN_CHARS) throw new TokenRejected("token too long");
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        algorithms,
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: LEEWAY_SECONDS,
        currentDate: new Date(clock.now()),
        requiredClaims: ["sub", "exp"],
      }));
    } catch (error) {
      throw new TokenRejected((error as { code?: string }).code ?? "invalid token");
    }
    return callerFrom(payload, settings.rolesClaim);
  };
}

function keySource(settings: AuthSettings, cooldownDuration: number) {
  if (settings.secret !== undefined) {
    return { key: new TextEncoder().encode(settings.secret), algorithms: HMAC_ALGORITHMS };
  }
  if (settings.jwksUrl === undefined) throw new Error("Auth needs a JWKS URL or a secret");
  return {
    key: createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration }),
    algorithms: JWKS_ALGORITHMS,
  };
}

/** The caller a verified payload names; a blank or non-string `sub` is rejected. */
function callerFrom(payload: Record<string, unknown>, rolesClaim: string): Caller {
  const { sub, name, exp } = payload;
  if (typeof sub !== "string" || sub.trim() === "" || sub.length > 256) {
    throw new TokenRejected("bad sub");
  }
  const claimed = payload[rolesClaim];
  const roles = Array.isArray(claimed)
    ? claimed.filter((role): role is string => typeof role === "string")
    : [];
  return {
    sub,
    ...(typeof name === "string" && name !== "" ? { name: name.slice(0, 200) } : {}),
    roles,
    anonymous: false,
    // The stream deadline matches what verification accepts: `exp` plus the leeway.
    expiresAt: ((exp as number) + LEEWAY_SECONDS) * 1000,
  };
}
