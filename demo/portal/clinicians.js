// @ts-check
/**
 * The demo's two synthetic clinicians (`/?as=ada`, `/?as=bo`), for a server started with the
 * demo's own secret (`npm run demo:clinicians`). Tokens are minted here in the page with that
 * published secret: a stand-in for a portal's identity provider, never for real use.
 * Dr Ada starts runs and invites Dr Bo, who watches as an observer and cannot stop them.
 */
import { post, useToken } from "./api.js";
import { DEMO_SECRET } from "./demo-secret.js";
import { provider } from "./provider.js";

/** The two clinicians. */
export const CLINICIANS = {
  ada: { sub: "dr-ada", name: "Dr Ada Okafor" },
  bo: { sub: "dr-bo", name: "Dr Bo Lindqvist" },
};

/** The clinician this page signs in as, from `?as=`; undefined: the open demo. */
export function signedIn() {
  const as = new URLSearchParams(location.search).get("as");
  return as === "ada" || as === "bo" ? { key: as, ...CLINICIANS[as] } : undefined;
}

const LIFETIME_S = 10 * 60;

/** base64url of bytes or of a string's UTF-8. @param {Uint8Array | string} data */
function base64url(data) {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** An HS256 token for a clinician, valid ten minutes. @param {{sub: string, name: string}} who */
async function mint(who) {
  const now = Math.floor(Date.now() / 1000);
  const body = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${
    base64url(JSON.stringify({ sub: who.sub, name: who.name, iat: now, exp: now + LIFETIME_S }))
  }`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(DEMO_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return { token: `${body}.${base64url(new Uint8Array(signature))}`, exp: now + LIFETIME_S };
}

/**
 * A token source for a clinician, as a portal would give `<stream-provider>`: a fresh token
 * once the current one has less than a minute left.
 * @param {{sub: string, name: string}} who @returns {() => Promise<string>}
 */
export function tokenSource(who) {
  /** @type {Promise<{token: string, exp: number}> | undefined} */
  let current;
  return async () => {
    const held = current && await current;
    if (!held || held.exp - Date.now() / 1000 < 60) current = mint(who);
    return (await /** @type {Promise<{token: string}>} */ (current)).token;
  };
}

/**
 * Signs the page in as `who`: the page's API calls and the provider carry its tokens. Dr Ada's
 * runs invite Dr Bo as an observer as soon as they start.
 * @param {{key: string, sub: string, name: string}} who
 */
export function signIn(who) {
  const source = tokenSource(who);
  useToken(source);
  provider.token = source;
  if (who.key !== "ada") return;
  provider.addEventListener("stream-event", ({ detail: { event: streamed } }) => {
    if (streamed.type !== "run_start") return;
    const path = `/api/runs/${encodeURIComponent(streamed.runId)}/observers`;
    post(path, { sub: CLINICIANS.bo.sub }).catch(() => {});
  });
}
