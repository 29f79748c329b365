import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { StreamDoneEvent } from "../../widgets/events.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { api } from "./support/api.ts";
import { assert, assertEqual, settle, shadow, textOf } from "./view-fixture.ts";

/** The discharge summary of tests/fixtures/workflows, which the suite's server loads. */
const INPUT = {
  patientName: "Ada Byrne",
  admissionReason: "community-acquired pneumonia",
  medications: [{ name: "Amoxicillin", dose: "500 mg three times daily", change: "new" }],
  followUp: "GP review in 7 days",
};

let host: HTMLElement | undefined;
afterEach(() => host?.remove());

describe("the elements with a workflow of the caller's own", () => {
  it("render its stages, titles and texts as the file defines them", async () => {
    const started = await api<{ runId: string; resultUrl: string }>("/api/runs", {
      workflow: "discharge-summary",
      input: INPUT,
    });
    host = document.createElement("div");
    host.innerHTML = `<stream-provider>
        <reasoning-panel></reasoning-panel>
        <chat-stream></chat-stream>
      </stream-provider>`;
    document.body.append(host);
    const provider = host.querySelector<StreamProvider>("stream-provider")!;
    const done = new Promise<StreamDoneEvent>((resolve) =>
      provider.addEventListener("stream-done", (e) => resolve(e as StreamDoneEvent), { once: true })
    );
    provider.attach(started.runId);
    const finished = await done;
    assertEqual([finished.finishReason, finished.verified], ["stop", true]);
    const panel = host.querySelector("reasoning-panel")!;
    const chat = host.querySelector("chat-stream")!;
    await settle(panel);
    await settle(chat);

    const sections = [...shadow(panel).querySelectorAll('[part~="section"]')];
    assertEqual(sections.map((s) => textOf(s.querySelector('[part~="title"]'))), [
      "Medication reconciliation",
      "Discharge letter",
    ]);
    assertEqual(sections.map((s) => textOf(s.querySelector('[part~="progress"]'))), [
      "1 of 2",
      "2 of 2",
    ]);
    assertEqual(sections.map((s) => textOf(s.querySelector('[part~="status"]'))), ["Done", "Done"]);
    // The offline model restates its rendered prompt: the input reached the stage.
    const first = textOf(sections[0].querySelector('[part~="content"]'));
    assert(first.includes("Ada Byrne"), "the first stage's text names the patient");
    assert(first.includes("Amoxicillin 500 mg three times daily (new)"), "and the medication");

    // Only the letter has a summary: one message in the chat.
    const authors = [...shadow(chat).querySelectorAll('[part~="author"]')].map(textOf);
    assertEqual(authors, ["Discharge letter"]);

    const result = await api<{ stages: { analysis: string; summary: string }[] }>(
      started.resultUrl,
    );
    assertEqual(
      result.stages.map((s) => s.analysis).join(""),
      panelText(provider.view, "reasoning"),
    );
    assertEqual(result.stages.map((s) => s.summary).join(""), panelText(provider.view, "chat"));
  });
});
