import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { StreamDoneEvent } from "../../widgets/events.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { chatRun, type RunLog, scriptedStream, workflowRun } from "../../widgets/testing/index.ts";
import { assert, assertEqual, settle, shadow, textOf } from "./view-fixture.ts";

let host: HTMLElement | undefined;
afterEach(() => host?.remove());

/**
 * Mounts `markup` with its provider fed by a scripted stream of `log` (written where `markup` says
 * `SRC`), and resolves with the provider and the `stream-done` event that ends the run.
 */
function mountProvider(
  markup: string,
  log: RunLog,
): { provider: StreamProvider; done: Promise<StreamDoneEvent> } {
  const stream = scriptedStream(log);
  host = document.createElement("div");
  host.innerHTML = markup.replace("SRC", stream.src);
  const provider = host.querySelector("stream-provider")!;
  provider.fetch = stream.fetch;
  const done = new Promise<StreamDoneEvent>((resolve) =>
    provider.addEventListener("stream-done", (event) => resolve(event as StreamDoneEvent), {
      once: true,
    })
  );
  document.body.append(host);
  return { provider, done };
}

/** Markdown syntax that would be left on screen if the text had not been rendered. */
const LITERAL_MARKUP = /\*\*|^#{1,6} |^\|.*\|$|```/m;

describe("<reasoning-panel> and <chat-stream> with the real provider", () => {
  it("render a whole recorded workflow in both panels", async () => {
    const { provider, done } = mountProvider(
      `<stream-provider src="SRC" autostart>
        <reasoning-panel></reasoning-panel>
        <chat-stream></chat-stream>
      </stream-provider>`,
      workflowRun,
    );
    const finished = await done;
    assertEqual([finished.finishReason, finished.verified], ["stop", true]);
    const panel = host!.querySelector("reasoning-panel")!;
    const chat = host!.querySelector("chat-stream")!;
    await settle(panel);
    await settle(chat);

    const sections = [...shadow(panel).querySelectorAll('[part~="section"]')];
    assertEqual(sections.length, provider.view.sections.reasoning.length);
    assertEqual(
      sections.map((s) => textOf(s.querySelector('[part~="status"]'))),
      sections.map(() => "Done"),
    );
    assertEqual(
      textOf(shadow(panel).querySelector('[part~="progress"]')),
      `1 of ${sections.length}`,
    );
    const rendered = [...shadow(panel).querySelectorAll('[part~="content"]')].map((c) =>
      c.textContent!
    ).join("\n");
    assert(panelText(provider.view, "reasoning").length > 200, "the workflow wrote reasoning");
    assert(!LITERAL_MARKUP.test(rendered), "no literal markdown left in the rendered reasoning");
    for (const word of panelText(provider.view, "reasoning").match(/[A-Za-z]{9,}/g)!.slice(0, 20)) {
      assert(rendered.includes(word), `rendered reasoning contains "${word}"`);
    }
    // The last stage's completion and the run's end, read in one go, are said together in order.
    assert(
      /^(?:Management plan complete\. )?Finished$/.test(
        textOf(shadow(provider).querySelector('[role="status"]')),
      ),
      "the run's end",
    );
    assertEqual(textOf(shadow(panel).querySelector('[role="status"]')).includes("Finished"), false);
    // Stages are the provider's to announce, once for the page: the panels say nothing of them.
    assertEqual(textOf(shadow(chat).querySelector('[role="status"]')), "");

    const authors = [...shadow(chat).querySelectorAll('[part~="author"]')].map(textOf);
    assertEqual(authors, provider.view.messages.map((m) => m.title ?? "Assistant"));
    assert(authors.length > 0, "the workflow's summaries appear in the chat");
    assertEqual(shadow(chat).querySelector('[part~="log"]')!.getAttribute("aria-busy"), "false");
  });

  it("sends a message from the composer and streams the reply", async () => {
    const { done } = mountProvider(
      `<stream-provider><chat-stream composer></chat-stream></stream-provider>`,
      chatRun,
    );
    const chat = host!.querySelector("chat-stream")!;
    await settle(chat);
    const input = shadow(chat).querySelector("textarea")!;
    input.value = "What should we check first?";
    input.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }),
    );
    const finished = await done;
    await settle(chat);
    assertEqual(finished.finishReason, "stop");
    const messages = [...shadow(chat).querySelectorAll('[part~="message"]')];
    assertEqual(messages.map((m) => textOf(m.querySelector('[part~="author"]'))), [
      "You",
      "Assistant",
    ]);
    assertEqual(
      textOf(messages[0].querySelector('[part~="message-content"]')),
      "What should we check first?",
    );
    assert(
      textOf(messages[1].querySelector('[part~="message-content"]')).length > 20,
      "the reply rendered",
    );
  });
});
