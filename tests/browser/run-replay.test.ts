/**
 * `<run-replay>` against the suite's real server: the scrubber by keyboard shows at each moment
 * exactly the text of the events logged by then (checked against the run's log), with the stage
 * statuses of then; the owner sees the audit view and the export; a stranger sees nothing of it.
 */
import { sendKeys } from "@web/test-runner-commands";
import "../../widgets/index.ts";
import type { SequencedEvent } from "../../protocol/events.ts";
import { verifyRecord } from "../../protocol/run-record.ts";
import type { RunReplay } from "../../widgets/replay/run-replay.ts";
import { hsToken } from "../support/tokens.ts";
import { resetServer, setPace } from "./support/api.ts";
import { assert, assertEqual, settle, shadow, textOf } from "./view-fixture.ts";

let host: HTMLElement | undefined;
afterEach(() => host?.remove());
after(() => resetServer());

/** Runs the initial stage to its end; resolves with the run's id. */
async function recordRun(prefix = ""): Promise<string> {
  const response = await fetch(`${prefix}/api/cases/aki-nsaids/workflow/stages/initial/stream`);
  const text = await response.text();
  return /^id: ([A-Za-z0-9_-]+)\./m.exec(text)![1];
}

/** The run's log, as the long-poll endpoint pages it. */
async function logOf(runId: string): Promise<SequencedEvent[]> {
  const events: SequencedEvent[] = [];
  for (;;) {
    const after = events.length ? `?after=${runId}.${events.at(-1)!.seq}` : "";
    const page = await (await fetch(`/api/runs/${runId}/events${after}`)).json();
    events.push(...page.events);
    if (page.done) return events;
  }
}

/** Mounts a replay of `runId` around both panels and waits for it to load. */
async function mountReplay(runId: string, attributes = ""): Promise<RunReplay> {
  host = document.createElement("div");
  host.innerHTML = `<run-replay run-id="${runId}" ${attributes}>
      <reasoning-panel></reasoning-panel><chat-stream></chat-stream>
    </run-replay>`;
  document.body.append(host);
  const replay = host.querySelector("run-replay")!;
  const deadline = Date.now() + 10_000;
  while (!shadow(replay).querySelector('[part="scrubber"], [role="alert"]')) {
    if (Date.now() > deadline) throw new Error("Replay did not load");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return replay;
}

/** The reasoning text each stage had logged by `time`. */
function textAt(events: SequencedEvent[], time: number): string {
  return events.filter((e) => e.type === "content_chunk" && e.panel === "reasoning" && e.ts <= time)
    .map((e) => e.content).join("");
}

describe("<run-replay>", () => {
  it("seeks by keyboard to moments showing exactly the text logged by then", async () => {
    // Slow enough that the stage spans a few seconds for the scrubber's one-second steps.
    await setPace(500);
    const runId = await recordRun();
    await setPace(20000);
    const log = await logOf(runId);
    const replay = await mountReplay(runId);
    const scrubber = shadow(replay).querySelector<HTMLElement>('[part="scrubber"]')!;
    const panel = host!.querySelector("reasoning-panel")!;
    const start = log[0].ts;
    const end = log.at(-1)!.ts;
    assert(end - start > 2500, `run spans ${end - start} ms`);

    // It opens on the run as it ended.
    assertEqual(replay.view.sections.reasoning[0].text, textAt(log, end));
    assertEqual(replay.view.status, "done");

    scrubber.focus();
    await sendKeys({ press: "Home" });
    await settle(replay);
    assertEqual(scrubber.getAttribute("aria-valuenow"), "0");
    assertEqual(replay.view.sections.reasoning[0].text, textAt(log, start));

    for (const second of [1, 2]) {
      await sendKeys({ press: "ArrowRight" });
      await settle(replay);
      await settle(panel);
      assertEqual(scrubber.getAttribute("aria-valuenow"), String(second * 1000));
      const expected = textAt(log, start + second * 1000);
      const section = replay.view.sections.reasoning[0];
      assertEqual(section.text, expected);
      assert(expected.length > 0 && expected.length < textAt(log, end).length, "mid-run text");
      assertEqual(section.status, "streaming");
      assertEqual(replay.view.status, "streaming");
      // The panel renders that text: its last word is shown, the next chunk's text is not.
      const lastWord = expected.trim().split(/\s+/).at(-1)!.replace(/[*_`#|]/g, "");
      assert(textOf(shadow(panel)).includes(lastWord), `panel shows "${lastWord}"`);
    }
    assert(
      textOf(shadow(replay).querySelector('[part="time"]')).includes("0:02.0 into the run"),
      "time shown",
    );

    await sendKeys({ press: "ArrowLeft" });
    await settle(replay);
    assertEqual(replay.view.sections.reasoning[0].text, textAt(log, start + 1000));

    await sendKeys({ press: "End" });
    await settle(replay);
    assertEqual(scrubber.getAttribute("aria-valuenow"), String(Math.round(end - start)));
    assertEqual(replay.view.sections.reasoning[0].text, textAt(log, end));
    assertEqual(replay.view.sections.reasoning[0].status, "complete");
    await sendKeys({ press: "PageDown" });
    await settle(replay);
    assertEqual(scrubber.getAttribute("aria-valuenow"), "0");
  });

  it("shows the owner who was there, and exports a sealed record", async () => {
    const runId = await recordRun();
    const replay = await mountReplay(runId);
    await settle(replay);
    const entries = [...shadow(replay).querySelectorAll('[part="audit-entry"]')].map(textOf);
    assert(entries[0].endsWith("anonymous started the run"), entries[0]);
    assert(entries.some((entry) => entry.endsWith("anonymous replayed the run")), "replay");
    assert(shadow(replay).querySelector('[part="export"]') !== null, "export offered");
    const file = await (await fetch(`/api/runs/${runId}/export`)).text();
    assertEqual(await verifyRecord(file), true);
  });

  it("shows a stranger only that the run is not available", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const ada = await hsToken({ sub: "dr-ada", exp });
    const eve = await hsToken({ sub: "dr-eve", exp });
    const started = await fetch("/authed/api/chat/messages", {
      method: "POST",
      headers: { authorization: `Bearer ${ada}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "Hello" }),
    });
    const { runId } = await started.json();
    host = document.createElement("div");
    const replay = document.createElement("run-replay");
    replay.token = eve;
    replay.apiBase = "/authed";
    replay.runId = runId;
    host.append(replay);
    document.body.append(host);
    const deadline = Date.now() + 10_000;
    while (!shadow(replay).querySelector('[role="alert"]')) {
      if (Date.now() > deadline) throw new Error("Replay did not answer");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assertEqual(
      textOf(shadow(replay).querySelector('[role="alert"]')),
      "This run is not available",
    );
    assertEqual(replay.timeline, undefined);
  });
});
