import assert from "node:assert/strict";
import { SavedView } from "../../widgets/state/saved-view.ts";
import { initialStreamState, type StreamState } from "../../widgets/state/stream-state.ts";
import { RUN } from "./fixtures.ts";

const NAME = "stream-widgets-view:case";

/** A view of `RUN` showing `text` up to `lastSeq`. */
function shown(text: string, lastSeq: number): StreamState {
  return {
    ...initialStreamState(),
    status: "streaming",
    runId: RUN,
    kind: "chat",
    lastSeq,
    sections: {
      reasoning: [],
      chat: [{
        stage: "reply",
        panel: "chat",
        title: "Reply",
        stageIndex: 0,
        stageCount: 1,
        status: "streaming",
        text,
        chunkCount: 2,
      }],
    },
  };
}

Deno.test("saved view is written as the page goes away, the latest state only", () => {
  sessionStorage.clear();
  const saved = new SavedView(() => "case");
  saved.follow(shown("Potas", 3));
  saved.follow(shown("Potassium low", 4));
  globalThis.dispatchEvent(new Event("pagehide"));
  assert.deepEqual(saved.load(), shown("Potassium low", 4));
});

Deno.test("saved view is removed when the view has no run (a reset)", () => {
  sessionStorage.clear();
  const saved = new SavedView(() => "case");
  saved.follow(shown("Potassium", 4));
  globalThis.dispatchEvent(new Event("pagehide"));
  saved.follow(initialStreamState());
  globalThis.dispatchEvent(new Event("pagehide"));
  assert.equal(sessionStorage.getItem(NAME), null);
});

Deno.test("saved view keeps nothing without a resume key, and ignores a malformed entry", () => {
  sessionStorage.clear();
  new SavedView(() => "").follow(shown("Potassium", 4));
  globalThis.dispatchEvent(new Event("pagehide"));
  assert.equal(sessionStorage.length, 0);
  sessionStorage.setItem(NAME, JSON.stringify({ runId: RUN }));
  assert.equal(new SavedView(() => "case").load(), undefined);
});

Deno.test("saved view waiting to be written is written before the key is read again", () => {
  sessionStorage.clear();
  new SavedView(() => "case").follow(shown("Potassium low", 4));
  // A provider put back on the same page, before the write was due.
  assert.deepEqual(new SavedView(() => "case").load(), shown("Potassium low", 4));
});
