import assert from "node:assert/strict";
import { SavedPlace } from "../../widgets/state/saved-place.ts";
import { RUN } from "./fixtures.ts";

const stored = () => JSON.parse(sessionStorage.getItem("stream-widgets:case") ?? "null");

Deno.test("saved place keeps the run in flight, its conversation and src", () => {
  sessionStorage.clear();
  const place = new SavedPlace(() => "case");
  place.remember({ src: "/api/cases/c1/workflow/start/stream" });
  place.follow({ runId: RUN, seq: 4, conversationId: "c1" }, { ended: false });
  assert.deepEqual(stored(), {
    src: "/api/cases/c1/workflow/start/stream",
    runId: RUN,
    conversationId: "c1",
  });
  assert.deepEqual(place.load(), stored());
});

Deno.test("saved place forgets a run that ended and keeps its conversation", () => {
  sessionStorage.clear();
  const place = new SavedPlace(() => "case");
  place.follow({ runId: RUN, seq: 4, conversationId: "c1" }, { ended: false });
  place.follow({ runId: RUN, seq: 9, conversationId: "c1" }, { ended: true });
  assert.deepEqual(stored(), { conversationId: "c1" });
});

Deno.test("saved place writes nothing without a resume key", () => {
  sessionStorage.clear();
  const place = new SavedPlace(() => "");
  place.follow({ runId: RUN, seq: 4, conversationId: "c1" }, { ended: false });
  assert.equal(sessionStorage.length, 0);
  assert.equal(place.load(), undefined);
});

Deno.test("saved place keeps the workflow run the view shows after it ended", () => {
  sessionStorage.clear();
  const place = new SavedPlace(() => "case");
  place.follow({ runId: RUN, seq: 9 }, { ended: true, workflowRunId: RUN });
  assert.deepEqual(stored(), { workflowRunId: RUN });
  place.follow({ seq: 0 }, { ended: false });
  assert.equal(stored(), null);
});
