import assert from "node:assert/strict";
import { FinishedRuns } from "../../server/runs/finished-runs.ts";

Deno.test("finished runs evict the oldest past the byte budget", () => {
  const evicted: string[] = [];
  const runs = new FinishedRuns(100, (id) => evicted.push(id));
  runs.add("a", 40);
  runs.add("b", 40);
  runs.add("c", 40);
  assert.deepEqual(evicted, ["a"]);
});

Deno.test("finished runs keep the newest run even when it alone exceeds the budget", () => {
  const evicted: string[] = [];
  const runs = new FinishedRuns(100, (id) => evicted.push(id));
  runs.add("a", 40);
  runs.add("b", 500);
  assert.deepEqual(evicted, ["a"]);
});

Deno.test("finished runs forget a deleted run's bytes", () => {
  const evicted: string[] = [];
  const runs = new FinishedRuns(100, (id) => evicted.push(id));
  runs.add("a", 60);
  runs.delete("a");
  runs.add("b", 60);
  assert.deepEqual(evicted, []);
});
