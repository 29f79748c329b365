/**
 * Running Lua scripts on Redis: by SHA1 first (the script cache), by source when Redis lost its
 * cache (a restart), so that every call sends a few bytes and works on a fresh server alike.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A script and its SHA1, as EVALSHA names it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** A script from its source. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/** Runs `script` over `keys` and `args`; rejects as the command would. */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  { keys, args }: { keys: string[]; args: (string | number)[] },
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error as Error).message?.startsWith("NOSCRIPT")) throw error;
    return await redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
