import assert from "node:assert/strict";
import { resumeStore } from "../../widgets/state/resume-store.ts";

/** A Map-backed Storage. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

Deno.test("resume store saves an entry under its prefixed key and reads it back", () => {
  const storage = memoryStorage();
  resumeStore(() => storage, "case-1").update({
    runId: "r1",
    src: "/s",
    conversationId: undefined,
  });
  assert.equal(storage.getItem("stream-widgets:case-1"), '{"runId":"r1","src":"/s"}');
  assert.deepEqual(resumeStore(() => storage, "case-1").load(), { runId: "r1", src: "/s" });
});

Deno.test("resume store merges updates and drops fields set to undefined", () => {
  const storage = memoryStorage();
  const store = resumeStore(() => storage, "k");
  store.update({ runId: "r1", conversationId: "c1" });
  store.update({ runId: undefined });
  assert.deepEqual(store.load(), { conversationId: "c1" });
});

Deno.test("resume store deletes an entry that became empty", () => {
  const storage = memoryStorage();
  const store = resumeStore(() => storage, "k");
  store.update({ runId: "r1" });
  store.update({ runId: undefined });
  assert.equal(storage.length, 0);
  assert.equal(store.load(), undefined);
});

Deno.test("resume store ignores garbage and a failing storage", () => {
  const storage = memoryStorage();
  storage.setItem("stream-widgets:k", "{not json");
  assert.equal(resumeStore(() => storage, "k").load(), undefined);
  const failing = {
    ...memoryStorage(),
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
  };
  resumeStore(() => failing, "k").update({ runId: "r" });
  assert.equal(failing.length, 0);
});

Deno.test("resume store does without storage whose very access throws", () => {
  const blocked = () => {
    throw new DOMException("The document is sandboxed", "SecurityError");
  };
  const store = resumeStore(blocked, "k");
  store.update({ runId: "r" });
  assert.equal(store.load(), undefined);
});
