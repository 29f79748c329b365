import assert from "node:assert/strict";
import { speechText } from "../../widgets/markdown/speech-text.ts";

Deno.test("speechText drops emphasis, headings' marks, bullets and rules", () => {
  assert.equal(
    speechText("## Plan\n\n- Give **fluids**\n- Recheck _glucose_\n\n---\n\nDone."),
    "Plan\n\nGive fluids\nRecheck glucose\n\nDone.",
  );
});

Deno.test("speechText reads table cells with pauses, not tabs or pipes", () => {
  assert.equal(speechText("| Lab | Value |\n| --- | --- |\n| Na | 131 |"), "Lab, Value\nNa, 131");
});

Deno.test("speechText keeps a link's words and leaves its address unspoken", () => {
  assert.equal(
    speechText("See [the guideline](https://example.org/dka) now."),
    "See the guideline now.",
  );
});

Deno.test("speechText keeps numbered items' numbers and code as written", () => {
  assert.equal(speechText("1. Check `K+`\n2. Start insulin"), "1. Check K+\n2. Start insulin");
});
