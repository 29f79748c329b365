import "../../widgets/reasoning-panel.ts";
import type { ReasoningPanel } from "../../widgets/reasoning-panel.ts";
import { defaultStrings } from "../../widgets/strings.ts";
import {
  assert,
  assertEqual,
  mount,
  type Mounted,
  section,
  settle,
  shadow,
  textOf,
  view,
} from "./view-fixture.ts";

const plan = [
  section("initial", { stageIndex: 0, status: "complete", text: "# Summary\n\nStable." }),
  section("extraction", { stageIndex: 1, status: "streaming", text: "Glucose **high" }),
  section("diagnosis", { stageIndex: 2 }),
];

let mounted: Mounted<ReasoningPanel> | undefined;
afterEach(() => mounted?.remove());

const parts = (name: string) => [...shadow(mounted!.element).querySelectorAll(`[part~="${name}"]`)];
const liveRegion = () => textOf(shadow(mounted!.element).querySelector('[role="status"]'));

describe("<reasoning-panel>", () => {
  it("renders one section per stage with title, progress and status", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    assertEqual(parts("title").map(textOf), [
      "Initial analysis",
      "Extraction analysis",
      "Diagnosis analysis",
    ]);
    assertEqual(parts("progress").map(textOf), ["1 of 4", "2 of 4", "3 of 4"]);
    assertEqual(parts("status").map(textOf), ["Done", "Writing…", "Waiting"]);
    assertEqual(textOf(parts("content")[0].querySelector("h1")), "Summary");
  });

  it("shows only the stage named by the stage attribute", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
      { stage: "extraction" },
    );
    assertEqual(parts("title").map(textOf), ["Extraction analysis"]);
  });

  it("closes a dangling ** in the streaming tail and marks it as streaming for the caret", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    const content = parts("content")[1];
    assert(content.classList.contains("streaming"), "the streaming section has the caret class");
    assertEqual(textOf(content.querySelector("strong")), "high");
    assert(!textOf(content).includes("*"), `no literal asterisks in "${textOf(content)}"`);
    assert(!parts("content")[0].classList.contains("streaming"), "a finished section has no caret");
  });

  it("is aria-busy while streaming and not when done", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    assertEqual(parts("base")[0].getAttribute("aria-busy"), "true");
    await mounted.setView(view({ status: "done", sections: { reasoning: plan, chat: [] } }));
    assertEqual(parts("base")[0].getAttribute("aria-busy"), "false");
  });

  it("leaves stage starts and completions to its provider, which says each once", async () => {
    const at = (status: "pending" | "streaming" | "complete", text = "") =>
      view({
        status: "streaming",
        sections: { reasoning: [section("plan", { status, text })], chat: [] },
      });
    mounted = await mount("reasoning-panel", at("pending"));
    await mounted.setView(at("streaming"));
    await mounted.setView(at("complete", "Some words."));
    assertEqual(liveRegion(), "");
  });

  it("announces a repeated copy again as a new text node", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({
        sections: { reasoning: [section("plan", { status: "complete", text: "A" })], chat: [] },
      }),
    );
    const original = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.resolve();
    try {
      const region = shadow(mounted.element).querySelector('[role="status"]')!;
      (parts("copy-button")[0] as HTMLButtonElement).click();
      await settle(mounted.element);
      const first = [...region.childNodes].find((node) => node.nodeType === Node.TEXT_NODE);
      (parts("copy-button")[0] as HTMLButtonElement).click();
      await settle(mounted.element);
      const second = [...region.childNodes].find((node) => node.nodeType === Node.TEXT_NODE);
      assertEqual(second?.textContent, "Copied");
      assert(first !== second && !first?.isConnected, "the repeat is a new text node");
    } finally {
      navigator.clipboard.writeText = original;
    }
  });

  it("keeps partial text with the error, and Retry calls retry()", async () => {
    const failed = view({
      status: "error",
      error: {
        code: "upstream_error",
        message: "The model stopped answering",
        retryAvailable: true,
      },
      sections: {
        reasoning: [section("plan", { status: "error", text: "Partial text" })],
        chat: [],
      },
    });
    mounted = await mount("reasoning-panel", failed);
    assertEqual(textOf(parts("content")[0]), "Partial text");
    assertEqual(textOf(parts("error")[0].querySelector("span")), "The model stopped answering");
    assertEqual(parts("incomplete").map(textOf), ["incomplete"]);
    (parts("retry-button")[0] as HTMLButtonElement).click();
    assertEqual(mounted.actions, ["retry"]);
  });

  it("words an error the server gave no words for from its strings, by code", async () => {
    const lost = view({
      status: "error",
      error: { code: "stream_lost", retryAvailable: true },
      sections: { reasoning: [section("plan", { status: "error", text: "Partial" })], chat: [] },
    });
    mounted = await mount("reasoning-panel", lost);
    const message = () => textOf(parts("error")[0].querySelector("span"));
    assertEqual(message(), "The connection was lost before the answer was complete");
    mounted.element.strings = {
      errors: { ...defaultStrings.errors, stream_lost: "Verbindung verloren" },
    };
    await mounted.element.updateComplete;
    assertEqual(message(), "Verbindung verloren");
  });

  it("shows a stage the failed run never reached as not started, not failed", async () => {
    const failed = view({
      status: "error",
      sections: {
        reasoning: [
          section("initial", { status: "error", text: "Partial text" }),
          section("plan", { status: "pending", text: "" }),
        ],
        chat: [],
      },
    });
    mounted = await mount("reasoning-panel", failed);
    assertEqual(parts("status").map(textOf), ["Failed", "Not started"]);
  });

  it("keeps focus in the panel when Retry disappears with the error", async () => {
    const failed = view({
      status: "error",
      error: {
        code: "upstream_error",
        message: "The model stopped answering",
        retryAvailable: true,
      },
      sections: { reasoning: [section("plan", { status: "error", text: "Partial" })], chat: [] },
    });
    mounted = await mount("reasoning-panel", failed);
    (parts("retry-button")[0] as HTMLButtonElement).focus();
    await mounted.setView(view({ status: "connecting" }));
    assert(shadow(mounted.element).activeElement === parts("base")[0], "focus is on the panel");
  });

  it("copies a stage as plain text, with the incomplete mark when cut short", async () => {
    const copied: string[] = [];
    const original = navigator.clipboard.writeText;
    navigator.clipboard.writeText = (text: string) => {
      copied.push(text);
      return Promise.resolve();
    };
    try {
      mounted = await mount(
        "reasoning-panel",
        view({
          status: "cancelled",
          sections: {
            reasoning: [
              section("initial", { status: "complete", text: "**Done** text" }),
              section("plan", { stageIndex: 1, status: "cancelled", text: "Half" }),
            ],
            chat: [],
          },
        }),
      );
      const buttons = parts("copy-button") as HTMLButtonElement[];
      assertEqual(buttons.map((b) => b.getAttribute("aria-label")), [
        "Copy Initial analysis",
        "Copy Plan analysis",
      ]);
      buttons[0].click();
      buttons[1].click();
      await settle(mounted.element);
      assertEqual(copied, ["Done text", "Half\n\n[incomplete]"]);
      assertEqual(liveRegion(), "Copied");
    } finally {
      navigator.clipboard.writeText = original;
    }
  });

  it("calls cancel() on Esc while streaming, and not when idle", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    const button = parts("copy-button")[0] as HTMLButtonElement;
    button.focus();
    button.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }),
    );
    assertEqual(mounted.actions, ["cancel"]);
    await mounted.setView(view({ status: "done", sections: { reasoning: plan, chat: [] } }));
    button.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }),
    );
    assertEqual(mounted.actions, ["cancel"]);
  });

  it("renders once for many view changes within one animation frame", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    const element = mounted.element as unknown as { updated(): void };
    let renders = 0;
    const updated = element.updated.bind(element);
    element.updated = () => {
      renders++;
      updated();
    };
    const words = ["Glucose", " **high**", " and", " rising", "."];
    let text = "";
    for (const word of words) {
      text += word;
      const streaming = section("extraction", { stageIndex: 1, status: "streaming", text });
      mounted.provide(
        view({ status: "streaming", sections: { reasoning: [streaming], chat: [] } }),
      );
      // Microtask gaps, in which a plain Lit element would already render each change.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    await mounted.element.updateComplete;
    assertEqual(renders, 1);
    assertEqual(textOf(parts("content")[0]), "Glucose high and rising.");
  });

  it("uses replacement strings", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({ status: "streaming", sections: { reasoning: plan, chat: [] } }),
    );
    mounted.element.strings = { progress: (i, n) => `Étape ${i}/${n}`, copy: "Copier" };
    await mounted.element.updateComplete;
    assertEqual(parts("progress").map(textOf), ["Étape 1/4", "Étape 2/4", "Étape 3/4"]);
    assertEqual(textOf(parts("copy-button")[0]), "Copier");
  });
});
