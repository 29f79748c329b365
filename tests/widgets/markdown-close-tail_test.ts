import assert from "node:assert/strict";
import { closeEmphasis, closeTail } from "../../widgets/markdown/close-tail.ts";

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

Deno.test("closeTail hides a table's header row until its divider row arrives", () => {
  assert.equal(closeTail("Doses:\n\n| Drug | Dose |\n"), "Doses:\n");
  assert.equal(closeTail("| Drug | Dose |\n|---"), "");
  assert.equal(closeTail("| Drug | Dose |\n|---|---|\n"), "| Drug | Dose |\n|---|---|");
});

Deno.test("closeTail keeps pipe lines that turned out not to be a table", () => {
  assert.equal(closeTail("| one\n| two\n| thr"), "| one\n| two\n| thr");
});

Deno.test("closeTail holds back a closing fence still being written", () => {
  assert.equal(closeTail("```\nlet a = 1;\n``"), "```\nlet a = 1;\n");
  assert.equal(closeTail("```\nlet a = 1;\n`"), "```\nlet a = 1;\n");
});

Deno.test("closeTail holds back an emoji sequence that the next chunk may continue", () => {
  assert.equal(closeTail("Family \u{1F468}\u200D"), "Family");
  assert.equal(closeTail("Flag \u{1F1EC}"), "Flag");
  assert.equal(closeTail("Caf\u00e9 ok"), "Caf\u00e9 ok");
});

Deno.test("closeEmphasis closes a finished line's unclosed emphasis as streaming did", () => {
  assert.equal(closeEmphasis("Check **troponin levels"), "Check **troponin levels**");
  assert.equal(closeEmphasis("- **a\n- b\n"), "- **a**\n- b\n");
});

Deno.test("closeEmphasis leaves literal asterisks, code spans and fences alone", () => {
  assert.equal(closeEmphasis("5*3 and 2 * 3"), "5*3 and 2 * 3");
  assert.equal(closeEmphasis("Risk **"), "Risk **");
  assert.equal(closeEmphasis("use `a **b"), "use `a **b");
  assert.equal(closeEmphasis("```\n**x\n```\n"), "```\n**x\n```\n");
});
