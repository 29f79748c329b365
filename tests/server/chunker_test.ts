import assert from "node:assert/strict";
import { MAX_CHUNK, SINGLE_UNIT_GRAPHEMES, takeChunks } from "../../server/runs/chunker.ts";
import { mulberry32 } from "../../server/providers/token-split.ts";

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
  assert.deepEqual(takeChunks("Patient is stable and well", "more"), {
    chunks: ["Patient ", "is stable "],
    rest: "and well",
  });
});

Deno.test("chunker splits the next word when no word boundary falls in 5-10", () => {
  assert.deepEqual(takeChunks("The patient is stable today", "more"), {
    chunks: ["The patien", "t is ", "stable "],
    rest: "today",
  });
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

const VOCABULARY = [
  "a",
  "of",
  "the",
  "is",
  "BP",
  "mg",
  "acute",
  "patient",
  "dyspnoea",
  "troponin",
  "Hospitalization",
  "Extraordinarily_long_identifier",
  "e\u0301cho",
  "🫀",
  "🇫🇷",
  "👍🏽",
  "👨‍👩‍👧",
  "👨‍👩‍👧‍👦",
  "**bold**",
  "`code`",
  "|",
  "-",
  "2400",
];
const SEPARATORS = [" ", " ", " ", "\n", "\n\n", ", ", ". "];

/** A random clinical-looking text of `words` words from a seeded PRNG. */
function randomText(random: () => number, words: number): string {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  let text = "";
  for (let i = 0; i < words; i++) text += pick(VOCABULARY) + pick(SEPARATORS);
  return text;
}

interface Chunked {
  content: string;
  /** Last chunk of an idle flush or of the stage: the only ones allowed under 5. */
  excused: boolean;
}

/** Feeds `text` in random deltas (cut at `cuts`), with random idle flushes when `idle`. */
function chunkRandomly(
  text: string,
  cuts: number[],
  random: () => number,
  idle: boolean,
): Chunked[] {
  const out: Chunked[] = [];
  const take = (mode: "more" | "idle" | "end", pending: string) => {
    const { chunks, rest } = takeChunks(pending, mode);
    chunks.forEach((content, i) =>
      out.push({ content, excused: mode !== "more" && i === chunks.length - 1 })
    );
    return rest;
  };
  let pending = "";
  for (let i = 0; i < cuts.length; i++) {
    pending = take("more", pending + text.slice(cuts[i], cuts[i + 1] ?? text.length));
    if (idle && random() < 0.2) pending = take("idle", pending);
  }
  take("end", pending);
  return out;
}

/** Random delta start offsets: code units when `anywhere`, else grapheme boundaries only. */
function randomCuts(text: string, random: () => number, anywhere: boolean): number[] {
  const boundaries = anywhere
    ? Array.from({ length: text.length + 1 }, (_, i) => i)
    : [0, ...graphemeEnds(text)];
  const cuts = [0];
  for (let i = 0; i < boundaries.length;) {
    i += 1 + Math.floor(random() * 8);
    if (i < boundaries.length - 1) cuts.push(anywhere ? i : boundaries[i]);
  }
  return cuts;
}

function graphemeEnds(text: string): number[] {
  let end = 0;
  return graphemes(text).map((g) => end += g.length);
}

/** Checks DESIGN §3's sizes for every chunk that is neither last of its flush nor of the stage. */
function assertSizes(text: string, chunks: Chunked[]): void {
  const ends = graphemeEnds(text);
  let start = 0;
  for (const { content, excused } of chunks) {
    const end = start + content.length;
    const nextEnd = ends.find((e) => e > end) ?? Infinity;
    const firstEnd = ends.find((e) => e > start);
    const fits = content.length >= 5 && content.length <= 10;
    // The documented exception: a grapheme cluster straddling 5-10 leaves no cut in range.
    const forced = content.length > 10 ? end === firstEnd : nextEnd > start + 10;
    assert.ok(excused || fits || forced, `${JSON.stringify(content)} at ${start}`);
    start = end;
  }
}

Deno.test("chunker property: mid-stage chunks are 5-10 units over random texts and deltas", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = mulberry32(seed);
    const text = randomText(random, 5 + Math.floor(random() * 60));
    const chunks = chunkRandomly(text, randomCuts(text, random, true), random, false);
    assert.equal(chunks.map((c) => c.content).join(""), text);
    assert.deepEqual(chunks.flatMap((c) => graphemes(c.content)), graphemes(text));
    assertSizes(text, chunks);
  }
});

Deno.test("chunker property: only an idle flush's last chunk may be short", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = mulberry32(seed);
    const text = randomText(random, 5 + Math.floor(random() * 60));
    const chunks = chunkRandomly(text, randomCuts(text, random, false), random, true);
    assert.equal(chunks.map((c) => c.content).join(""), text);
    assertSizes(text, chunks);
  }
});

Deno.test("chunker's single-unit set holds only code units that are graphemes of their own", () => {
  const members: string[] = [];
  for (let unit = 0; unit <= 0xffff; unit++) {
    const char = String.fromCharCode(unit);
    if (SINGLE_UNIT_GRAPHEMES.test(char)) members.push(char);
  }
  assert.ok(members.length > 1500);
  // Every member next to every other in some order: shuffled sequences, each unit a grapheme.
  const random = mulberry32(7);
  for (let round = 0; round < 40; round++) {
    const order = [...members];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const text = order.join("");
    assert.equal(graphemes(text).length, text.length, `round ${round}`);
  }
});
