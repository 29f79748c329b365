import assert from "node:assert/strict";
import { closeTail } from "../../widgets/markdown/close-tail.ts";

Deno.test("closeTail closes an open strong emphasis", () => {
  assert.equal(closeTail("The **important"), "The **important**");
});

Deno.test("closeTail drops a delimiter with nothing after it yet", () => {
  assert.equal(closeTail("The **"), "The");
  assert.equal(closeTail("The ***"), "The");
});

Deno.test("closeTail closes nested emphasis in reverse order of opening", () => {
  assert.equal(closeTail("**bold *both"), "**bold *both***");
});

Deno.test("closeTail leaves balanced emphasis, bullets and snake_case alone", () => {
  assert.equal(closeTail("**a** and *b*"), "**a** and *b*");
  assert.equal(closeTail("* item\n* next"), "* item\n* next");
  assert.equal(closeTail("call total_dose_mg"), "call total_dose_mg");
  assert.equal(closeTail("2 * 3 = 6"), "2 * 3 = 6");
});

Deno.test("closeTail closes an open code span and ignores emphasis inside it", () => {
  assert.equal(closeTail("use `a**b"), "use `a**b`");
  assert.equal(closeTail("use `"), "use ");
});

Deno.test("closeTail shows a half-typed link as its text", () => {
  assert.equal(closeTail("see [the guideline](https://exa"), "see the guideline");
  assert.equal(closeTail("see [the guide"), "see the guide");
  assert.equal(closeTail("see [1] and [done](https://x.org)"), "see [1] and [done](https://x.org)");
});

Deno.test("closeTail holds back a half-typed table row and setext underline", () => {
  assert.equal(closeTail("| a | b |\n|---|---|\n| 1 |"), "| a | b |\n|---|---|");
  assert.equal(closeTail("Title\n=="), "Title");
});

Deno.test("closeTail leaves an open code fence to the lexer", () => {
  const tail = "```js\nconst a = `x **\n";
  assert.equal(closeTail(tail), tail);
});

Deno.test("closeTail only looks at the last paragraph", () => {
  assert.equal(closeTail("*a*\n\nnow **b"), "*a*\n\nnow **b**");
});
