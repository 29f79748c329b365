import "../../widgets/chat-stream.ts";
import type { ChatStream } from "../../widgets/chat-stream.ts";
import type { ChatMessage, ViewState } from "../../widgets/state/view-state.ts";
import {
  assert,
  assertEqual,
  message,
  mount,
  type Mounted,
  section,
  settle,
  shadow,
  textOf,
  view,
} from "./view-fixture.ts";

let mounted: Mounted<ChatStream> | undefined;
afterEach(() => mounted?.remove());

const parts = (name: string) => [...shadow(mounted!.element).querySelectorAll(`[part~="${name}"]`)];
const part = (name: string) =>
  shadow(mounted!.element).querySelector<HTMLElement>(`[part~="${name}"]`);

const question = message("m1", { role: "user", content: "What is **HbA1c**?" });
const chat = (
  status: ViewState["status"],
  messages: ChatMessage[],
  extra: Partial<ViewState> = {},
) => view({ status, messages, ...extra });

describe("<chat-stream>", () => {
  it("renders the conversation in a role=log with user text as typed and replies as markdown", async () => {
    mounted = await mount(
      "chat-stream",
      chat("done", [question, message("m2", { content: "A **lab** test." })]),
    );
    const log = part("log")!;
    assertEqual(log.getAttribute("role"), "log");
    assertEqual(parts("author").map(textOf), ["You", "Assistant"]);
    assertEqual(textOf(parts("message-content")[0]), "What is **HbA1c**?");
    assertEqual(textOf(parts("message-content")[1].querySelector("strong")), "lab");
  });

  it("titles a workflow summary with its stage", async () => {
    mounted = await mount(
      "chat-stream",
      chat("done", [message("r:initial", { title: "Initial assessment", content: "Ok" })]),
    );
    assertEqual(parts("author").map(textOf), ["Initial assessment"]);
  });

  it("folds a saved reply's reasoning into a details element rendered as markdown", async () => {
    mounted = await mount(
      "chat-stream",
      chat("done", [message("m2", { content: "Answer", reasoning: "Because **K+** is low" })]),
    );
    const details = part("message-reasoning") as HTMLDetailsElement;
    assert(!details.open, "reasoning starts folded");
    assertEqual(textOf(details.querySelector("summary")), "Reasoning");
    assertEqual(textOf(details.querySelector("strong")), "K+");
    assertEqual(textOf(part("message-content")), "Answer");
  });

  it("shows the typing indicator before the first chunk, then the caret while streaming", async () => {
    mounted = await mount("chat-stream", chat("connecting", [question]));
    assert(part("typing"), "typing indicator before the reply starts");
    assertEqual(part("log")!.getAttribute("aria-busy"), "true");
    await mounted.setView(
      chat("streaming", [
        question,
        message("run:reply", { status: "streaming", content: "It is" }),
      ]),
    );
    assert(!part("typing"), "no typing indicator once words arrive");
    assert(
      parts("message-content")[1].classList.contains("streaming"),
      "caret on the streaming reply",
    );
    await mounted.setView(
      chat("done", [question, message("run:reply", { content: "It is a test." })]),
    );
    assertEqual(part("log")!.getAttribute("aria-busy"), "false");
    assert(!parts("message-content")[1].classList.contains("streaming"), "no caret when done");
  });

  it("leaves the chunks unannounced, and the run's end to its provider", async () => {
    const live = () => textOf(shadow(mounted!.element).querySelector('[role="status"]'));
    const reply = (content: string) => message("run:reply", { status: "streaming", content });
    mounted = await mount("chat-stream", chat("streaming", [question, reply("It")]));
    await mounted.setView(chat("streaming", [question, reply("It is")]));
    assertEqual(live(), "");
    await mounted.setView(chat("reconnecting", [question, reply("It is")]));
    assertEqual(live(), "");
    await mounted.setView(
      chat("cancelled", [
        question,
        message("run:reply", { status: "cancelled", content: "It is" }),
      ]),
    );
    assertEqual(live(), "");
  });

  it("leaves a workflow's summaries to its provider, which says each stage once", async () => {
    const live = () => textOf(shadow(mounted!.element).querySelector('[role="status"]'));
    const at = (status: "pending" | "streaming" | "complete", text = "") =>
      chat("streaming", [], {
        kind: "workflow",
        sections: { reasoning: [], chat: [section("plan", { panel: "chat", status, text })] },
      });
    mounted = await mount("chat-stream", at("pending"));
    await mounted.setView(at("streaming"));
    await mounted.setView(at("complete", "Aspirin."));
    assertEqual(live(), "");
  });

  it("leaves a chat reply's start and end unannounced: the provider says Finished", async () => {
    const live = () => textOf(shadow(mounted!.element).querySelector('[role="status"]'));
    const at = (status: "pending" | "streaming" | "complete") =>
      chat("streaming", [question], {
        kind: "chat",
        sections: { reasoning: [], chat: [section("reply", { panel: "chat", status })] },
      });
    mounted = await mount("chat-stream", at("pending"));
    await mounted.setView(at("streaming"));
    await mounted.setView(at("complete"));
    assertEqual(live(), "");
  });

  it("offers Stop while streaming, which calls cancel()", async () => {
    mounted = await mount("chat-stream", chat("streaming", [question]));
    const stop = part("stop-button") as HTMLButtonElement;
    assertEqual(textOf(stop), "Stop");
    stop.click();
    assertEqual(mounted.actions, ["cancel"]);
    await mounted.setView(chat("done", [question]));
    assert(!part("stop-button"), "no Stop when idle");
  });

  it("moves focus from Stop to the composer when the stopped run takes Stop away", async () => {
    mounted = await mount("chat-stream", chat("streaming", [question]), { composer: "" });
    const stop = part("stop-button") as HTMLButtonElement;
    stop.focus();
    stop.click();
    await mounted.setView(chat("cancelled", [question]));
    assert(!part("stop-button"), "Stop is gone");
    assert(shadow(mounted.element).activeElement === part("input"), "focus is on the composer");
  });

  it("marks a cancelled reply incomplete and copies it as text with the mark", async () => {
    const copied: string[] = [];
    const original = navigator.clipboard.writeText;
    navigator.clipboard.writeText = (text: string) => {
      copied.push(text);
      return Promise.resolve();
    };
    try {
      mounted = await mount(
        "chat-stream",
        chat("cancelled", [question, message("m2", { status: "cancelled", content: "Partial" })]),
      );
      assertEqual(parts("incomplete").map(textOf), ["incomplete"]);
      const copy = parts("copy-button") as HTMLButtonElement[];
      assertEqual(copy.map((b) => b.getAttribute("aria-label")), ["Copy You", "Copy Assistant"]);
      copy[1].click();
      await settle(mounted.element);
      assertEqual(copied, ["Partial\n\n[incomplete]"]);
    } finally {
      navigator.clipboard.writeText = original;
    }
  });

  it("shows the error with Retry, which calls retry()", async () => {
    mounted = await mount(
      "chat-stream",
      chat("error", [question, message("m2", { status: "error", content: "Half an" })], {
        error: {
          code: "upstream_timeout",
          message: "The model took too long",
          retryAvailable: true,
        },
      }),
    );
    assertEqual(textOf(part("error")?.querySelector("span")), "The model took too long");
    (part("retry-button") as HTMLButtonElement).click();
    assertEqual(mounted.actions, ["retry"]);
  });

  it("sends with Enter, keeps Shift+Enter as a new line, and clears the composer", async () => {
    mounted = await mount("chat-stream", chat("idle", []), { composer: "" });
    const input = part("input") as HTMLTextAreaElement;
    input.value = "First line";
    input.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Enter", shiftKey: true, bubbles: true }),
    );
    assertEqual(mounted.actions, []);
    input.value = "  Is it urgent?  ";
    input.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }),
    );
    assertEqual(mounted.actions, ["send:Is it urgent?"]);
    assertEqual(input.value, "");
  });

  it("disables Send while a reply streams and does not send on Enter", async () => {
    mounted = await mount("chat-stream", chat("streaming", [question]), { composer: "" });
    assert((part("send-button") as HTMLButtonElement).disabled, "Send is disabled while streaming");
    const input = part("input") as HTMLTextAreaElement;
    input.value = "Another";
    input.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }),
    );
    assertEqual(mounted.actions, []);
  });

  it("has no composer without the composer attribute", async () => {
    mounted = await mount("chat-stream", chat("idle", []));
    assert(!part("composer"), "no composer");
  });

  it("stops the stream on Esc from the composer", async () => {
    mounted = await mount("chat-stream", chat("streaming", [question]), { composer: "" });
    const input = part("input") as HTMLTextAreaElement;
    input.focus();
    input.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }),
    );
    assertEqual(mounted.actions, ["cancel"]);
  });

  it("watches the size of two elements however many messages come and go", async () => {
    const observe = ResizeObserver.prototype.observe;
    const watched = new Set<Element>();
    ResizeObserver.prototype.observe = function (target, options) {
      watched.add(target);
      observe.call(this, target, options);
    };
    try {
      mounted = await mount("chat-stream", chat("streaming", [question]));
      for (let n = 1; n <= 20; n++) {
        const replies = Array.from({ length: n }, (_, i) => message(`r${i}`, { content: `${i}` }));
        await mounted.setView(chat("streaming", [question, ...replies]));
      }
      await mounted.setView(chat("done", [question]));
      assertEqual(watched.size, 2);
    } finally {
      ResizeObserver.prototype.observe = observe;
    }
  });

  it("sticks to the bottom while streaming and offers Jump to latest after scrolling up", async () => {
    mounted = await mount("chat-stream", chat("streaming", [question]));
    mounted.element.style.setProperty("--chat-stream-height", "10rem");
    const long = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i}.`).join("\n\n");
    await mounted.setView(
      chat("streaming", [question, message("r", { status: "streaming", content: long(30) })]),
    );
    // The element follows new content once it is laid out (a ResizeObserver), not within the update.
    const laidOut = () =>
      new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await laidOut();
    const log = part("log")!;
    assert(log.scrollHeight > log.clientHeight, "the log overflows");
    assert(log.scrollHeight - log.scrollTop - log.clientHeight < 2, "stuck to the bottom");
    assert(!part("jump-button"), "no Jump while at the bottom");

    log.scrollTop = 0;
    await new Promise((resolve) => log.addEventListener("scroll", resolve, { once: true }));
    await mounted.element.updateComplete;
    await mounted.setView(
      chat("streaming", [question, message("r", { status: "streaming", content: long(40) })]),
    );
    await laidOut();
    assertEqual(log.scrollTop, 0, "scrollTop after new content while scrolled up");
    const jump = part("jump-button") as HTMLButtonElement;
    assertEqual(textOf(jump), "Jump to latest");
    jump.click();
    await mounted.element.updateComplete;
    assert(log.scrollHeight - log.scrollTop - log.clientHeight < 2, "back at the bottom");
  });
});
