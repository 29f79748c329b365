import assert from "node:assert/strict";
import { Lexer, type Token } from "marked";
import { splitBlocks, type SplitState } from "../../widgets/markdown/blocks.ts";

/** Whole-text split as plain data: finished block sources and the tail. */
function split(text: string): { blocks: string[]; tail: string } {
  const { finished, tail } = splitBlocks(text);
  return { blocks: finished, tail };
}

/** The same text fed in pieces of `size`, carrying the state from call to call. */
function splitInChunks(text: string, size: number): { blocks: string[]; tail: string } {
  const blocks: string[] = [];
  let state: SplitState | undefined;
  let tail = "";
  for (let end = Math.min(size, text.length);; end = Math.min(end + size, text.length)) {
    const result = splitBlocks(text.slice(0, end), state);
    blocks.push(...result.finished);
    state = result.state;
    tail = result.tail;
    if (end === text.length) break;
  }
  return { blocks, tail };
}

Deno.test("splitter finishes a paragraph at a blank line once the next block starts", () => {
  assert.deepEqual(split("One.\n\nTwo"), { blocks: ["One.\n\n"], tail: "Two" });
});

Deno.test("splitter keeps a paragraph open until something follows its blank line", () => {
  assert.deepEqual(split("One.\n\n"), { blocks: [], tail: "One.\n\n" });
});

Deno.test("splitter keeps a setext heading and a table together: no blank line inside", () => {
  assert.deepEqual(split("Title\n=====\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNext"), {
    blocks: ["Title\n=====\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"],
    tail: "Next",
  });
});

Deno.test("splitter ignores blank lines inside a fenced code block", () => {
  const text = "```js\nconst a = 1;\n\n\nconst b = 2;\n";
  assert.deepEqual(split(text), { blocks: [], tail: text });
});

Deno.test("splitter finishes a top-level fence at its closing line", () => {
  assert.deepEqual(split("```\na\n\nb\n```\nafter"), {
    blocks: ["```\na\n\nb\n```\n"],
    tail: "after",
  });
});

Deno.test("splitter closes a fence only with the same character and at least its length", () => {
  const text = "````\n```\n~~~~\n\nstill code\n";
  assert.deepEqual(split(text), { blocks: [], tail: text });
});

Deno.test("splitter tracks a fence opened inside a list item", () => {
  const text = "- step\n  ```\n  x\n\n  y\n  ```\n\nAfter";
  assert.deepEqual(split(text), {
    blocks: ["- step\n  ```\n  x\n\n  y\n  ```\n\n"],
    tail: "After",
  });
});

Deno.test("splitter keeps a loose list together across blank lines", () => {
  const text = "1. one\n\n2. two\n\n   more of two\n\n";
  assert.deepEqual(split(text), { blocks: [], tail: text });
});

Deno.test("splitter finishes a list when an unindented non-item line follows the blank line", () => {
  assert.deepEqual(split("- a\n- b\n\nPara"), { blocks: ["- a\n- b\n\n"], tail: "Para" });
});

Deno.test("splitter waits on a partial line that may still become a list item", () => {
  assert.deepEqual(split("- a\n\n12"), { blocks: [], tail: "- a\n\n12" });
  assert.deepEqual(split("- a\n\n12."), { blocks: [], tail: "- a\n\n12." });
  assert.deepEqual(split("- a\n\n12.5 mg"), { blocks: ["- a\n\n"], tail: "12.5 mg" });
});

Deno.test("splitter keeps indented code open while indented lines follow blank lines", () => {
  const text = "    code\n\n    more\n\nText";
  assert.deepEqual(split(text), { blocks: ["    code\n\n    more\n\n"], tail: "Text" });
});

Deno.test("splitter treats whitespace-only lines as blank", () => {
  assert.deepEqual(split("A\n  \t\nB"), { blocks: ["A\n  \t\n"], tail: "B" });
});

Deno.test("splitter pieces concatenate back to the text", () => {
  const text = SAMPLE;
  const { blocks, tail } = split(text);
  assert.equal(blocks.join("") + tail, text);
  assert.equal(blocks.length, 9);
});

Deno.test("splitter fed chunk by chunk gives the same blocks as on the whole text", () => {
  const whole = split(SAMPLE);
  for (const size of [1, 2, 3, 5, 7, 10, 64]) {
    assert.deepEqual(splitInChunks(SAMPLE, size), whole, `chunks of ${size}`);
  }
});

/** A deterministic pseudo-random source (LCG), so a failing split is reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** The text fed in pieces of 1–10 characters, like the server's chunks. */
function splitAtRandom(text: string, random: () => number): { blocks: string[]; tail: string } {
  const blocks: string[] = [];
  let state: SplitState | undefined;
  let tail = "";
  for (let end = 0; end < text.length;) {
    end = Math.min(text.length, end + 1 + Math.floor(random() * 10));
    const result = splitBlocks(text.slice(0, end), state);
    blocks.push(...result.finished);
    state = result.state;
    tail = result.tail;
  }
  return { blocks, tail };
}

const MORE_SAMPLES = [
  "> quote with a list\n> - a\n>\n> - b\n\n> ```\n> code\n>\n> ```\n\nAfter quote",
  "* loose\n\n* items\n\n  continued\n\n      code in item\n\nout\n\n1) x\n2) y\n\n-1 degrees",
  "~~~\n```\nnot closed by backticks\n\n~~~\nText\n\n`````md\n````\n\n`````\nEnd",
  "Title\r\n=====\r\n\r\nPara one\r\n\r\n- item\r\n\r\nLast",
  "[ref]: https://example.org\n\nUse [ref] and ![img][ref].\n\n<div>\n\nraw\n\n</div>\n\n|a|\n|-|\n|1|",
];

Deno.test("splitter fed random 1–10 character chunks gives the same blocks as on the whole text", () => {
  for (const [index, text] of [SAMPLE, ...MORE_SAMPLES].entries()) {
    const random = seeded(index + 1);
    for (let round = 0; round < 50; round++) {
      assert.deepEqual(splitAtRandom(text, random), split(text), `sample ${index}, round ${round}`);
    }
  }
});

Deno.test("splitter resumes from its state and scans only the new text", () => {
  const first = splitBlocks("One.\n\nTwo.\n\nThr");
  assert.equal(first.state.scanned, "One.\n\nTwo.\n\n".length);
  const second = splitBlocks("One.\n\nTwo.\n\nThree.\n\nFour", first.state);
  assert.deepEqual(second.finished, ["Thr" + "ee.\n\n"]);
  assert.equal(second.tail, "Four");
});

Deno.test("splitter starts over when the text is shorter than the scanned part", () => {
  const first = splitBlocks("One.\n\nTwo.\n\nThree");
  assert.deepEqual(splitBlocks("Other\n\nX", first.state).finished, ["Other\n\n"]);
});

Deno.test("splitter blocks lexed one by one give the tokens of the whole text", () => {
  const shape = (tokens: Token[]) =>
    tokens.filter((t) => t.type !== "space" && t.type !== "def").map((t) =>
      `${t.type}:${t.raw.trim()}`
    );
  for (const text of [SAMPLE, ...MORE_SAMPLES]) {
    const { blocks, tail } = split(text);
    const pieces = [...blocks, tail].flatMap((block) => shape(new Lexer({ gfm: true }).lex(block)));
    assert.deepEqual(pieces, shape(new Lexer({ gfm: true }).lex(text)));
  }
});

const SAMPLE = [
  "# Assessment",
  "",
  "The patient is a **62-year-old** with `HbA1c` of 8.1%.",
  "",
  "Key findings:",
  "",
  "1. Fatigue",
  "",
  "2. Polyuria",
  "   - nocturnal",
  "",
  "| Test | Value |",
  "|------|------:|",
  "| Na | 138 |",
  "",
  "```text",
  "dose = weight * 0.5",
  "",
  "check renal function",
  "```",
  "Follow-up",
  "---------",
  "",
  "> Quote line",
  "continued lazily",
  "",
  "    indented code",
  "",
  "Done.",
].join("\n");
