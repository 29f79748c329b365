import assert from "node:assert/strict";
import { MAX_CHUNK, takeChunks } from "../../server/runs/chunker.ts";

const SAMPLE = "## Initial assessment\n\nA 67-year-old man with **acute dyspnoea** and " +
  "bilateral crackles; NT-proBNP 2400 pg/mL. Hospitalization recommended — 🫀 monitoring 👨‍👩‍👧 and " +
  "e\u0301cho. Extraordinarily_long_identifier_without_spaces then done.";

/** Feeds text in deltas of `size`, as a run does, flushing at the end. */
function chunkAll(text: string, size: number): string[] {
  const chunks: string[] = [];
  let pending = "";
  const units = [...text];
  for (let i = 0; i < units.length; i += size) {
    pending += units.slice(i, i + size).join("");
    const result = takeChunks(pending, "more");
    chunks.push(...result.chunks);
    pending = result.rest;
  }
  chunks.push(...takeChunks(pending, "end").chunks);
  return chunks;
}

const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map((s) =>
    s.segment
  );

Deno.test("chunker output concatenates to the input for every delta size", () => {
  for (const size of [1, 2, 3, 7, 16, 1000]) assert.equal(chunkAll(SAMPLE, size).join(""), SAMPLE);
});

Deno.test("chunker chunks are 1 to 10 code units", () => {
  for (const size of [1, 3, 1000]) {
    for (const chunk of chunkAll(SAMPLE, size)) {
      assert.ok(chunk.length >= 1 && chunk.length <= MAX_CHUNK, JSON.stringify(chunk));
    }
  }
});

Deno.test("chunker never splits a grapheme cluster or surrogate pair", () => {
  for (const size of [1, 2, 5, 1000]) {
    const chunks = chunkAll(SAMPLE, size);
    const whole = graphemes(SAMPLE);
    const fromChunks = chunks.flatMap(graphemes);
    assert.deepEqual(fromChunks, whole);
  }
});

Deno.test("chunker ends chunks after whitespace when a 5-10 boundary exists", () => {
  assert.deepEqual(takeChunks("The patient is stable today", "more"), {
    chunks: ["The ", "patient ", "is stable "],
    rest: "today",
  });
});

Deno.test("chunker emits an early boundary when the next word fits on its own", () => {
  assert.deepEqual(takeChunks("ok patient x", "more").chunks, ["ok ", "patient "]);
});

Deno.test("chunker splits a word longer than ten units", () => {
  assert.deepEqual(takeChunks("a hospitalization follows", "end").chunks, [
    "a hospital",
    "ization ",
    "follows",
  ]);
});

Deno.test("chunker holds a short tail while more text may come", () => {
  assert.deepEqual(takeChunks("Patient", "more"), { chunks: [], rest: "Patient" });
});

Deno.test("chunker sends a short tail on an idle flush", () => {
  assert.deepEqual(takeChunks("Patient", "idle"), { chunks: ["Patient"], rest: "" });
});

Deno.test("chunker keeps a lone high surrogate back on an idle flush", () => {
  assert.deepEqual(takeChunks("ok \uD83E", "idle"), { chunks: ["ok "], rest: "\uD83E" });
});

Deno.test("chunker keeps a trailing zero-width joiner sequence back on an idle flush", () => {
  assert.deepEqual(takeChunks("hi 👨\u200D", "idle"), { chunks: ["hi "], rest: "👨\u200D" });
});

Deno.test("chunker sends a grapheme longer than ten units whole", () => {
  const family = "👨‍👩‍👧‍👦";
  assert.deepEqual(takeChunks(family, "end").chunks, [family]);
});

Deno.test("chunker sends nothing for empty text", () => {
  assert.deepEqual(takeChunks("", "end"), { chunks: [], rest: "" });
});
