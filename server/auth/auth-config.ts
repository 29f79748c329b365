/**
 * The auth part of the configuration (DESIGN.md §8), checked once the variables are parsed: one
 * key source, a secret long enough, and no open server on an address others can reach unless
 * ALLOW_ANONYMOUS says so.
 */
import type { AuthSettings } from "./token-verifier.ts";

/** The auth variables as parsed (undefined when unset). */
export interface AuthVariables {
  host: string;
  jwksUrl?: string;
  secret?: string;
  issuer?: string;
  audience?: string;
  rolesClaim?: string;
  allowAnonymous?: boolean;
}

const MIN_SECRET_BYTES = 32;

/** The auth settings (undefined: open), or the one line that stops the server. */
export function authSettings(v: AuthVariables): { settings?: AuthSettings } | { error: string } {
  if (v.jwksUrl !== undefined && v.secret !== undefined) {
    return { error: "Invalid AUTH_JWT_SECRET: set AUTH_JWKS_URL or AUTH_JWT_SECRET, not both" };
  }
  if (v.secret !== undefined && new TextEncoder().encode(v.secret).length < MIN_SECRET_BYTES) {
    return { error: `Invalid AUTH_JWT_SECRET: at least ${MIN_SECRET_BYTES} bytes` };
  }
  // Keys fetched in the clear could be swapped on the way; only this machine may serve them so.
  if (v.jwksUrl !== undefined && new URL(v.jwksUrl).protocol === "http:") {
    if (!isLoopback(new URL(v.jwksUrl).hostname)) {
      return { error: `Invalid AUTH_JWKS_URL: ${JSON.stringify(v.jwksUrl)} (https required)` };
    }
  }
  if (v.jwksUrl === undefined && v.secret === undefined) {
    if (isLoopback(v.host) || v.allowAnonymous) return {};
    return {
      error: `Refusing to listen on HOST "${v.host}" without auth: ` +
        "set AUTH_JWKS_URL or AUTH_JWT_SECRET, or ALLOW_ANONYMOUS=true",
    };
  }
  return {
    settings: {
      ...(v.jwksUrl === undefined ? {} : { jwksUrl: v.jwksUrl }),
      ...(v.secret === undefined ? {} : { secret: v.secret }),
      ...(v.issuer === undefined ? {} : { issuer: v.issuer }),
      ...(v.audience === undefined ? {} : { audience: v.audience }),
      rolesClaim: v.rolesClaim ?? "roles",
    },
  };
}

/** Whether a host name or address reaches only this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}
