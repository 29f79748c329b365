import assert from "node:assert/strict";
import { plainText } from "../../widgets/markdown/plain-text.ts";

Deno.test("plainText reads headings, emphasis and code spans as their words", () => {
  assert.equal(
    plainText("## Plan\n\nCheck **troponin levels** and `K+` &amp; *repeat*."),
    "Plan\n\nCheck troponin levels and K+ & repeat.",
  );
});

Deno.test("plainText numbers and bullets list items, nested lines lined up", () => {
  assert.equal(
    plainText("1. First\n2. Second\n   - nested\n\n- a\n- b"),
    "1. First\n2. Second\n   • nested\n\n• a\n• b",
  );
});

Deno.test("plainText writes a table as rows of tab-separated cells", () => {
  assert.equal(
    plainText("| Drug | Dose |\n|:---|---:|\n| Aspirin | 300 mg |"),
    "Drug\tDose\nAspirin\t300 mg",
  );
});

Deno.test("plainText keeps a link's address and a fence's code", () => {
  assert.equal(
    plainText("See [NICE](https://nice.org.uk/ng185).\n\n```\nx = 1\n```"),
    "See NICE (https://nice.org.uk/ng185).\n\nx = 1",
  );
});

Deno.test("plainText drops an unclosed ** as the rendering does", () => {
  assert.equal(plainText("Unclosed **bold"), "Unclosed bold");
});
