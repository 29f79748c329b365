import "../../widgets/chat-stream.ts";
import "../../widgets/reasoning-panel.ts";
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

const REPLY = [
  "## Plan",
  "",
  "- Start **insulin** at 0.1 units/kg/h",
  "- Check [potassium](https://example.org/k) hourly",
  "",
  "| Lab | Value |",
  "| --- | --- |",
  "| K+ | 3.2 |",
].join("\n");
const SPOKEN =
  "Plan\n\nStart insulin at 0.1 units/kg/h\nCheck potassium hourly\n\nLab, Value\nK+, 3.2";

/** What the page's speech synthesis was asked to do, through stubs the test installs. */
let spoken: SpeechSynthesisUtterance[] = [];
let cancels = 0;
let mounted:
  | Mounted<HTMLElement & { updateComplete: Promise<boolean>; strings?: object }>
  | undefined;

beforeEach(() => {
  spoken = [];
  cancels = 0;
  speechSynthesis.speak = (utterance) => void spoken.push(utterance);
  speechSynthesis.cancel = () => void cancels++;
});
afterEach(() => {
  mounted?.remove();
  // The stubs were own properties: the browser's methods show through again.
  delete (speechSynthesis as Partial<SpeechSynthesis>).speak;
  delete (speechSynthesis as Partial<SpeechSynthesis>).cancel;
});

const buttons = () => [
  ...shadow(mounted!.element).querySelectorAll<HTMLButtonElement>('[part~="read-aloud-button"]'),
];

const mountChat = async (messages = [message("m2", { content: REPLY })]) => {
  mounted = await mount("chat-stream", view({ status: "done", messages }));
};

describe("read aloud", () => {
  it("speaks a finished reply without its markdown symbols, named for assistive technology", async () => {
    await mountChat();
    const [button] = buttons();
    assertEqual(textOf(button), "Read aloud");
    assertEqual(button.getAttribute("aria-label"), "Read aloud Assistant");
    button.click();
    await settle(mounted!.element);
    assertEqual(spoken.map((utterance) => utterance.text), [SPOKEN]);
    const [stop] = buttons();
    assertEqual(textOf(stop), "Stop reading");
    assertEqual(stop.getAttribute("aria-label"), "Stop reading Assistant");
  });

  it("Stop ends the speech and brings Read aloud back", async () => {
    await mountChat();
    buttons()[0].click();
    await settle(mounted!.element);
    const before = cancels;
    buttons()[0].click();
    await settle(mounted!.element);
    assertEqual(cancels, before + 1);
    assertEqual(textOf(buttons()[0]), "Read aloud");
  });

  it("Esc ends the speech", async () => {
    await mountChat();
    buttons()[0].click();
    await settle(mounted!.element);
    const before = cancels;
    buttons()[0].dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }),
    );
    await settle(mounted!.element);
    assertEqual(cancels, before + 1);
    assertEqual(textOf(buttons()[0]), "Read aloud");
  });

  it("the button comes back when the speech ends by itself", async () => {
    await mountChat();
    buttons()[0].click();
    await settle(mounted!.element);
    spoken[0].dispatchEvent(new Event("end"));
    await settle(mounted!.element);
    assertEqual(textOf(buttons()[0]), "Read aloud");
  });

  it("offers nothing for a reply still being written or a message the clinician typed", async () => {
    mounted = await mount(
      "chat-stream",
      view({
        status: "streaming",
        messages: [
          message("m1", { role: "user", content: "What next?" }),
          message("m2", { content: "Start **ins", status: "streaming" }),
        ],
      }),
    );
    assertEqual(buttons().length, 0);
  });

  it("reads a finished reasoning section, not one still streaming", async () => {
    mounted = await mount(
      "reasoning-panel",
      view({
        status: "streaming",
        sections: {
          reasoning: [
            section("initial", { status: "complete", text: "# Summary\n\n*Stable*." }),
            section("extraction", { stageIndex: 1, status: "streaming", text: "Glucose" }),
          ],
          chat: [],
        },
      }),
    );
    const found = buttons();
    assertEqual(found.map((b) => b.getAttribute("aria-label")), ["Read aloud Initial analysis"]);
    found[0].click();
    await settle(mounted!.element);
    assertEqual(spoken.map((utterance) => utterance.text), ["Summary\n\nStable."]);
  });

  it("takes the host page's strings", async () => {
    await mountChat();
    mounted!.element.strings = {
      readAloud: "Vorlesen",
      readAloudLabel: (what: string) => `${what} vorlesen`,
    };
    await settle(mounted!.element);
    assertEqual(textOf(buttons()[0]), "Vorlesen");
    assertEqual(buttons()[0].getAttribute("aria-label"), "Assistant vorlesen");
  });

  it("is hidden where the browser has no speech synthesis", async () => {
    // Window's attributes are its own properties: the original is put back as it was.
    const original = Object.getOwnPropertyDescriptor(globalThis, "speechSynthesis")!;
    Object.defineProperty(globalThis, "speechSynthesis", { value: undefined, configurable: true });
    try {
      await mountChat();
      assertEqual(buttons().length, 0);
      assert(shadow(mounted!.element).querySelector('[part~="copy-button"]'), "Copy stays");
    } finally {
      Object.defineProperty(globalThis, "speechSynthesis", original);
    }
  });
});
