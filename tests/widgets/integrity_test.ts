import assert from "node:assert/strict";
import { sha256Hex } from "../../protocol/sha256.ts";
import { panelDigest, verifyDigest } from "../../widgets/integrity.ts";
import { reduce } from "../../widgets/state/reducer.ts";
import { initialStreamState } from "../../widgets/state/stream-state.ts";
import { runEvents, WORKFLOW_PLAN } from "./fixtures.ts";

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Deno.test("sha256Hex hashes UTF-8 text to lowercase hex", async () => {
  assert.equal(await sha256Hex(""), EMPTY);
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("verifyDigest hashes each panel's sections joined in plan order", async () => {
  const run = runEvents();
  const view = [
    run.start("workflow", WORKFLOW_PLAN),
    run.chunk("reasoning", "initial", "ab", 0),
    run.chunk("chat", "initial", "x", 0),
    run.chunk("reasoning", "plan", "c", 0),
  ].reduce(reduce, initialStreamState());
  const digest = { reasoning: await sha256Hex("abc"), chat: await sha256Hex("x") };
  assert.equal(await verifyDigest(view, digest), true);
  assert.equal(await verifyDigest(view, { ...digest, chat: EMPTY }), false);
});

Deno.test("panelDigest answers all zeros instead of rejecting without WebCrypto", async () => {
  const subtle = Object.getOwnPropertyDescriptor(Crypto.prototype, "subtle")!;
  Object.defineProperty(crypto, "subtle", { value: undefined, configurable: true });
  try {
    assert.deepEqual(await panelDigest({ reasoning: "a", chat: "b" }), {
      reasoning: "0".repeat(64),
      chat: "0".repeat(64),
    });
    const view = initialStreamState();
    assert.equal(
      await verifyDigest(view, { reasoning: "0".repeat(64), chat: "0".repeat(64) }),
      false,
    );
  } finally {
    delete (crypto as { subtle?: unknown }).subtle;
    assert.equal(crypto.subtle, subtle.get!.call(crypto));
  }
});
