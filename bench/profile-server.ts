/**
 * Runs the real server (server/main.ts) under the V8 CPU profiler for PROFILE_MS, then writes
 * the profile to PROFILE_OUT (a .cpuprofile that Chrome DevTools opens) and a summary of self
 * time by function and by file to PROFILE_OUT.json.
 *
 *   PROFILE_MS=20000 PROFILE_OUT=bench/results/server.cpuprofile deno run -A bench/profile-server.ts
 */
import { Session } from "node:inspector";
import { summarizeProfile } from "./lib/cpu-profile.mjs";

const ms = Number(Deno.env.get("PROFILE_MS") ?? 20000);
const out = Deno.env.get("PROFILE_OUT") ?? "bench/results/server.cpuprofile";
const session = new Session();
session.connect();
const post = <T>(method: string, params: object = {}) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params, (error, result) => error ? reject(error) : resolve(result as T))
  );

await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 200 });
await post("Profiler.start");
setTimeout(async () => {
  const { profile } = await post<{ profile: unknown }>("Profiler.stop");
  Deno.writeTextFileSync(out, JSON.stringify(profile));
  const summary = summarizeProfile(profile, {
    ours: /\/(server|protocol)\//,
    strip: /^file:\/\/\/.*?\/(?=(server|protocol|node_modules)\/)/,
  });
  Deno.writeTextFileSync(`${out}.json`, JSON.stringify(summary, null, 2));
  console.error(`PROFILE written ${out}`);
}, ms);
await import(Deno.env.get("PROFILE_SERVER") ?? "../server/main.ts");
