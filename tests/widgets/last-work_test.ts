import assert from "node:assert/strict";
import { chatBody, type LastWork, repeatWork } from "../../widgets/last-work.ts";

const CASE_SRC = "/api/cases/chest-pain-acs/workflow/start/stream";

Deno.test("a chat message names the catalog case and the workflow run the page shows", () => {
  assert.deepEqual(chatBody("GRACE?", CASE_SRC, "R".repeat(22)), {
    message: "GRACE?",
    caseId: "chest-pain-acs",
    runId: "R".repeat(22),
  });
  assert.deepEqual(chatBody("Hello", ""), { message: "Hello" });
});

Deno.test("retry repeats the last work: a start, a message, or an attachment", () => {
  const calls: string[] = [];
  const actions = (src: string) => ({
    src,
    start: (s?: string) => void calls.push(`start ${s ?? src}`),
    resend: (m: string) => void calls.push(`resend ${m}`),
    attach: (r: string) => void calls.push(`attach ${r}`),
  });
  const works: (LastWork | undefined)[] = [
    undefined,
    { kind: "start", src: "/a" },
    { kind: "send", message: "again" },
    { kind: "attach", runId: "r1" },
  ];
  for (const work of works) repeatWork(work, actions(""));
  repeatWork({ kind: "attach", runId: "r2" }, actions("/b"));
  assert.deepEqual(calls, ["start /a", "resend again", "attach r1", "start /b"]);
});
