/**
 * The two-user rig of the auth tests: an app with HS256 auth on a manual clock, the people who
 * use it (an owner, an observer, an auditor, a stranger) and how to compare whole responses.
 */
import { type Config } from "../../server/config.ts";
import { hsToken, NOW_S, TEST_SECRET } from "../support/tokens.ts";
import { type Harness, makeApp, manualClock } from "./harness.ts";
import type { LlmProvider } from "../../server/providers/provider.ts";

/** The issuer and audience the rig's server expects. */
export const ISSUER = "https://portal.test";
export const AUDIENCE = "stream-widgets";

/** The auth settings of the rig. */
export const AUTH: NonNullable<Config["auth"]> = {
  secret: TEST_SECRET,
  issuer: ISSUER,
  audience: AUDIENCE,
  rolesClaim: "roles",
};

/** A token for `sub`, valid for an hour from the rig's clock start unless claims say otherwise. */
export function tokenFor(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return hsToken({ sub, iss: ISSUER, aud: AUDIENCE, ...claims });
}

/** Ada owns, Bo observes once granted, Cy audits, Eve is a stranger. */
export async function people() {
  return {
    ada: await tokenFor("dr-ada", { name: "Dr Ada" }),
    bo: await tokenFor("dr-bo", { name: "Dr Bo" }),
    cy: await tokenFor("cy-audit", { roles: ["auditor"] }),
    eve: await tokenFor("dr-eve", { roles: ["clinician"] }),
  };
}

/** An app with auth on, on a manual clock starting at the tokens' `NOW_S`. */
export function authApp(options: { provider?: LlmProvider; config?: Partial<Config> } = {}) {
  const clock = manualClock(NOW_S * 1000);
  const h: Harness = makeApp({ ...options, clock, config: { auth: AUTH, ...options.config } });
  return { ...h, clock };
}

/** Request options with a bearer token (and a JSON body when given). */
export function as(token: string | undefined, init: { method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  // POSTs are JSON, or refused before auth is looked at.
  if (init.method === "POST" || init.body !== undefined) {
    headers["content-type"] = "application/json";
  }
  return {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  };
}

/** A whole response as comparable data: status, every header, and the body text. */
export async function snapshot(response: Response) {
  return {
    status: response.status,
    headers: [...response.headers.entries()].sort(),
    body: await response.text(),
  };
}
