/**
 * The client a request counts against, for rate limits and per-client caps. One function, so that
 * keying on the signed-in user instead of the address is a change in one place.
 */
import type { Context } from "hono";
import { knownCaller } from "../auth/identity.ts";
import { requestAddress } from "./client-address.ts";

/**
 * The signed-in user (`sub`) when auth is on, so that clinicians behind one proxy do not share a
 * bucket; else the client's address (behind TRUST_PROXY hops), `local` for in-process requests.
 */
export function clientKey(c: Context): string {
  const caller = knownCaller(c);
  return caller && !caller.anonymous ? `sub:${caller.sub}` : requestAddress(c);
}
