/**
 * How model text looks to the clinician: right-to-left text laid out right to left, streaming
 * tables, fences, emphasis and emoji that never show their syntax or parts, copies as readable
 * text, and every cue drawn in forced-colours mode.
 */
import { render } from "lit";
import { executeServerCommand } from "@web/test-runner-commands";
import "../../widgets/chat-stream.ts";
import "../../widgets/reasoning-panel.ts";
import { MarkdownStream } from "../../widgets/markdown/markdown-stream.ts";
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

let container: HTMLElement;
let mounted: Mounted<HTMLElement & { updateComplete: Promise<boolean> }> | undefined;
beforeEach(() => {
  container = document.createElement("div");
  document.body.append(container);
});
afterEach(() => {
  container.remove();
  mounted?.remove();
  mounted = undefined;
});

function show(text: string, streaming: boolean, stream = new MarkdownStream()): HTMLElement {
  render(stream.render(text, streaming), container);
  return container;
}

const ARABIC = "## خطة العلاج\n\n- أسبرين 300 ملغ\n- مراقبة القلب\n\nيجب مراقبة troponin كل ساعتين.";

describe("right-to-left text", () => {
  it("lays out each Arabic block right to left, bullets on the right", () => {
    show(`Plan in English first.\n\n${ARABIC}`, false);
    const blocks = [...container.querySelectorAll("h2, p")];
    assertEqual(blocks.map((b) => b.getAttribute("dir")), Array(blocks.length).fill("auto"), "dir");
    const direction = (element: Element) => getComputedStyle(element).direction;
    const paragraphs = [...container.querySelectorAll("p")];
    assertEqual(
      [paragraphs[0], container.querySelector("h2")!, container.querySelector("ul")!, paragraphs[1]]
        .map(direction),
      ["ltr", "rtl", "rtl", "rtl"],
      "directions",
    );
    const list = container.querySelector("ul")!.getBoundingClientRect();
    const item = container.querySelector("li")!.getBoundingClientRect();
    assert(
      item.right < list.right && item.left <= list.left + 1,
      "the bullet's indent is on the right",
    );
  });

  it("gives the composer and a typed Hebrew message their own direction", async () => {
    mounted = await mount(
      "chat-stream",
      view({
        messages: [message("m1", { role: "user", content: "מה המינון?" })],
      }),
      { composer: "" },
    );
    const root = shadow(mounted.element);
    assertEqual(root.querySelector("textarea")!.getAttribute("dir"), "auto", "composer");
    const content = root.querySelector<HTMLElement>('[part~="message-content"]')!;
    assertEqual(getComputedStyle(content).direction, "rtl", "the message");
  });
});

describe("streaming syntax", () => {
  it("never shows a table's header row as pipes before its divider row", () => {
    const stream = new MarkdownStream();
    show("Results:\n\n| Test | Result |\n", true, stream);
    assert(!textOf(container).includes("|"), `raw pipes: "${textOf(container)}"`);
    show("Results:\n\n| Test | Result |\n|---|---|\n| Troponin | 48 |", true, stream);
    assertEqual([...container.querySelectorAll("th")].map(textOf), ["Test", "Result"], "header");
  });

  it("never shows a closing fence's backticks inside the code", () => {
    const stream = new MarkdownStream();
    show("```\nlet dose = 300;\n`", true, stream);
    assertEqual(container.querySelector("code")?.textContent, "let dose = 300;", "code");
    show("```\nlet dose = 300;\n``", true, stream);
    assertEqual(container.querySelector("code")?.textContent, "let dose = 300;", "code");
  });

  it("renders an unclosed ** the same while streaming and once done", () => {
    const stream = new MarkdownStream();
    show("Check **troponin levels", true, stream);
    assertEqual(textOf(container.querySelector("strong")), "troponin levels", "streaming");
    show("Check **troponin levels", false, stream);
    assertEqual(textOf(container.querySelector("strong")), "troponin levels", "done");
    assertEqual(textOf(container), "Check troponin levels", "no literal asterisks");
  });

  it("shows an emoji sequence only whole", () => {
    const stream = new MarkdownStream();
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}";
    show("Family \u{1F468}\u200D", true, stream);
    assertEqual(textOf(container), "Family", "the first part waits");
    show("Family \u{1F468}\u200D\u{1F469}\u200D", true, stream);
    assertEqual(textOf(container), "Family", "still waiting");
    show(`Family ${family} ok`, true, stream);
    assertEqual(textOf(container), `Family ${family} ok`, "whole");
  });
});

describe("Copy", () => {
  const markdown =
    "## Plan\n\n**Aspirin** 300 mg\n\n| Drug | Dose |\n|---|---|\n| Aspirin | 300 mg |";
  let copied: string[];
  let original: Clipboard["writeText"];
  beforeEach(() => {
    copied = [];
    original = navigator.clipboard.writeText;
    navigator.clipboard.writeText = (text: string) => {
      copied.push(text);
      return Promise.resolve();
    };
  });
  afterEach(() => {
    navigator.clipboard.writeText = original;
  });

  async function copyReply(attributes: Record<string, string>, status: "complete" | "error") {
    mounted = await mount(
      "chat-stream",
      view({
        status: status === "error" ? "error" : "done",
        messages: [message("m1", { content: markdown, status })],
      }),
      attributes,
    );
    shadow(mounted.element).querySelector<HTMLButtonElement>('[part~="copy-button"]')!.click();
    await settle(mounted.element);
  }

  it("gives readable plain text by default, with the incomplete mark", async () => {
    await copyReply({}, "error");
    assertEqual(copied, ["Plan\n\nAspirin 300 mg\n\nDrug\tDose\nAspirin\t300 mg\n\n[incomplete]"]);
  });

  it("gives the markdown source with copy-format=markdown", async () => {
    await copyReply({ "copy-format": "markdown" }, "complete");
    assertEqual(copied, [markdown]);
  });
});

describe("forced colours", () => {
  before(() => executeServerCommand("emulate-forced-colors", { active: true }));
  after(() => executeServerCommand("emulate-forced-colors", { active: false }));

  it("keep the typing dots, the caret and the bubbles' outlines visible", async () => {
    assert(matchMedia("(forced-colors: active)").matches, "forced colours are emulated");
    mounted = await mount(
      "chat-stream",
      view({
        status: "streaming",
        messages: [message("m1", { role: "user", content: "Dose?" })],
      }),
    );
    const root = shadow(mounted.element);
    const dot = getComputedStyle(root.querySelector(".dot")!);
    assert(dot.backgroundColor !== "rgba(0, 0, 0, 0)", `dot background ${dot.backgroundColor}`);
    const bubble = getComputedStyle(root.querySelector('[part~="message"]')!);
    assertEqual([bubble.borderTopStyle, bubble.borderTopWidth], ["solid", "1px"], "bubble outline");
    mounted.remove();

    mounted = await mount(
      "reasoning-panel",
      view({
        status: "streaming",
        sections: {
          reasoning: [section("plan", { status: "streaming", text: "Aspirin" })],
          chat: [],
        },
      }),
    );
    const tail = shadow(mounted.element).querySelector(".streaming .tail > :last-child")!;
    const caret = getComputedStyle(tail, "::after");
    assert(
      caret.backgroundColor !== "rgba(0, 0, 0, 0)",
      `caret background ${caret.backgroundColor}`,
    );
    assertEqual(caret.getPropertyValue("forced-color-adjust"), "none", "caret keeps its colour");
  });
});
