import assert from "node:assert/strict";
import { batchedLines } from "../../server/log.ts";

Deno.test("batched lines go out in one write per turn of the event loop, in order", async () => {
  const writes: string[] = [];
  const lines = batchedLines((text) => writes.push(text));
  lines.line("a");
  lines.line("b");
  assert.deepEqual(writes, [], "nothing is written synchronously");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(writes, ["a\nb\n"]);
  lines.line("c");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(writes, ["a\nb\n", "c\n"]);
});

Deno.test("batched lines flush what waits at once, and nothing twice", async () => {
  const writes: string[] = [];
  const lines = batchedLines((text) => writes.push(text));
  lines.line("last words");
  lines.flush();
  assert.deepEqual(writes, ["last words\n"]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  lines.flush();
  assert.deepEqual(writes, ["last words\n"]);
});
