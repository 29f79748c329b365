// Cluster fan-out: one run, 1,000 viewers spread over two instances sharing Redis (REDIS_URL).
// Installs Debian's redis-server when missing and this runs as root, as the cluster test does.
//
//   node bench/cluster.mjs [--quick]
import { printTable, runWorker, writeResult } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";

/** The columns of the cluster figure, here and in report.mjs. */
export const CLUSTER_HEADER = [
  "instance",
  "completed",
  "delivered / expected",
  "errors; gaps; dups",
  "lag p50 / p99 / max ms",
  "CPU µs / delivered",
];

/** One row per instance of a cluster result, numbers shown by `show`. */
export function clusterRows(result, show) {
  return result.perInstance.map((r) => [
    r.role,
    `${r.completed} / ${r.viewers}`,
    `${r.delivered} / ${r.expected}`,
    `${r.errors}; ${r.gaps}; ${r.duplicates}`,
    `${show(r.latencyMs.p50)} / ${show(r.latencyMs.p99)} / ${show(r.latencyMs.max)}`,
    show(r.cpuPerDeliveredUs),
  ]);
}

/** Runs the fan-out and writes bench/results/cluster-fanout.json. */
export async function main(args = []) {
  const quick = args.includes("--quick");
  const result = await runWorker("cluster-fanout.ts", { viewers: quick ? 100 : 1000 });
  console.log(
    `\nCluster fan-out: one run at ${result.rate} chunks/s, ${result.viewers} viewers over two instances`,
  );
  printTable(CLUSTER_HEADER, clusterRows(result, round));
  console.log(`\nwrote ${writeResult(quick ? "cluster-fanout-quick" : "cluster-fanout", result)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
