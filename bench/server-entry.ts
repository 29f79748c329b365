/**
 * Runs the real server (server/main.ts, or BENCH_SERVER_MAIN) with one hook for the benchmarks:
 * on SIGUSR2 it collects garbage (`--v8-flags=--expose-gc`) and prints `MEMORY {…}` with
 * `Deno.memoryUsage()`, so memory held per stream can be told from garbage not yet collected.
 */
import { reportMemoryOnSignal } from "./lib/memory-signal.ts";

reportMemoryOnSignal();
await import(Deno.env.get("BENCH_SERVER_MAIN") ?? "../server/main.ts");
