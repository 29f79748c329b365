/** What the routes use for identity and access: the token verifier (when auth is on) and stores. */
import type { AuthStorage } from "./auth-storage.ts";
import type { TokenVerifier } from "./token-verifier.ts";

/** Auth as the app context carries it. */
export interface AuthServices {
  /** Verifies bearer tokens; undefined when auth is off and every caller is `anonymous`. */
  verify?: TokenVerifier;
  storage: AuthStorage;
}
