import assert from "node:assert/strict";
import { Pace, paceStep, SILENCE_CAP_MS } from "../../protocol/replay.ts";

Deno.test("pace reads `original` as factor 1 and a decimal as its factor", () => {
  assert.equal(Pace.parse("original"), 1);
  assert.equal(Pace.parse("4"), 4);
  assert.equal(Pace.parse("0.5"), 0.5);
  assert.equal(Pace.parse("1000"), 1000);
});

Deno.test("pace refuses zero, out-of-range, signed and non-decimal factors", () => {
  for (const value of ["0", "0.05", "1001", "-2", "+2", "1e3", "fast", "", "4.", "010"]) {
    assert.equal(Pace.safeParse(value).success, false, value);
  }
});

Deno.test("pace step divides a gap by the factor", () => {
  assert.deepEqual(paceStep(250, 10), { waitMs: 25 });
  assert.deepEqual(paceStep(0, 4), { waitMs: 0 });
});

Deno.test("pace step shortens a silence over the cap and names its length", () => {
  assert.deepEqual(paceStep(SILENCE_CAP_MS, 1), { waitMs: SILENCE_CAP_MS });
  assert.deepEqual(paceStep(60_000, 10), { waitMs: SILENCE_CAP_MS / 10, silenceMs: 60_000 });
});

Deno.test("pace step treats a clock that went back as no gap", () => {
  assert.deepEqual(paceStep(-5, 2), { waitMs: 0 });
});
