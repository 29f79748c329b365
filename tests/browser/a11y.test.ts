import "../../widgets/reasoning-panel.ts";
import "../../widgets/chat-stream.ts";
import { emulateMedia } from "@web/test-runner-commands";
import type { ViewState } from "../../widgets/state/view-state.ts";
import {
  assertEqual,
  message,
  mount,
  type Mounted,
  section,
  shadow,
  view,
} from "./view-fixture.ts";

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[];
}
declare global {
  var axe:
    | { run(context: Element, options?: { runOnly: string[] }): Promise<AxeResult> }
    | undefined;
}

before(async () => {
  if (globalThis.axe) return;
  const script = document.createElement("script");
  script.src = "/node_modules/axe-core/axe.min.js";
  document.head.append(script);
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = reject;
  });
});

let mounted: Mounted<HTMLElement & { updateComplete: Promise<boolean> }> | undefined;
afterEach(async () => {
  mounted?.remove();
  await emulateMedia({ colorScheme: "light", reducedMotion: "no-preference" });
});

/** The axe violations of the mounted element, as `rule: targets` lines. */
async function violations(): Promise<string[]> {
  const result = await globalThis.axe!.run(mounted!.element);
  return result.violations.map((v) =>
    `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`
  );
}

const TEXT =
  "## Findings\n\n- **Glucose** high, see [NICE](https://nice.org.uk)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`";
const error = {
  code: "upstream_error" as const,
  message: "The model stopped answering",
  retryAvailable: true,
};

const STATES: Record<string, ViewState> = {
  idle: view(),
  streaming: view({
    status: "streaming",
    sections: {
      reasoning: [
        section("initial", { status: "complete", text: TEXT }),
        section("plan", { stageIndex: 1, status: "streaming", text: "Start **bold" }),
      ],
      chat: [],
    },
    messages: [
      message("u", { role: "user", content: "Is it urgent?" }),
      message("r:reply", { status: "streaming", content: TEXT }),
    ],
  }),
  error: view({
    status: "error",
    error,
    sections: { reasoning: [section("plan", { status: "error", text: TEXT })], chat: [] },
    messages: [message("r", { status: "error", content: "Half" })],
  }),
  done: view({
    status: "done",
    sections: { reasoning: [section("plan", { status: "complete", text: TEXT })], chat: [] },
    messages: [
      message("u", { role: "user", content: "Hi" }),
      message("r", { content: TEXT, reasoning: "Because *K+* is low" }),
    ],
  }),
};

describe("accessibility (axe)", () => {
  it("axe reports a nameless button (the check can fail)", async () => {
    const probe = document.createElement("div");
    probe.innerHTML = "<button></button>";
    document.body.append(probe);
    const result = await globalThis.axe!.run(probe);
    probe.remove();
    assertEqual(result.violations.map((v) => v.id), ["button-name"]);
  });

  for (const name of ["streaming", "error"]) {
    it(`both elements pass axe in dark mode when ${name}`, async () => {
      await emulateMedia({ colorScheme: "dark" });
      mounted = await mount("reasoning-panel", STATES[name]);
      assertEqual(await violations(), []);
      mounted.remove();
      mounted = await mount("chat-stream", STATES[name], { composer: "" });
      assertEqual(await violations(), []);
    });
  }

  it("gives one-stage panels on the same page distinct region names", async () => {
    const first = await mount("reasoning-panel", STATES.done, { stage: "plan" });
    mounted = await mount("reasoning-panel", STATES.streaming, { stage: "initial" });
    try {
      const result = await globalThis.axe!.run(document.body, { runOnly: ["landmark-unique"] });
      assertEqual(result.violations.map((v) => v.id), []);
      const names = [first.element, mounted.element].map((element) =>
        shadow(element).querySelector('[role="region"]')!.getAttribute("aria-label")
      );
      assertEqual(names, ["Plan analysis", "Initial analysis"]);
    } finally {
      first.remove();
    }
  });

  it("stops the caret blinking under prefers-reduced-motion", async () => {
    mounted = await mount("reasoning-panel", STATES.streaming);
    const tail = () => shadow(mounted!.element).querySelector(".streaming .tail > :last-child")!;
    assertEqual(getComputedStyle(tail(), "::after").animationName, "caret-blink");
    await emulateMedia({ reducedMotion: "reduce" });
    assertEqual(getComputedStyle(tail(), "::after").animationName, "none");
  });

  for (const [name, state] of Object.entries(STATES)) {
    it(`<reasoning-panel> passes axe when ${name}`, async () => {
      mounted = await mount("reasoning-panel", state);
      assertEqual(await violations(), []);
    });
    it(`<chat-stream composer> passes axe when ${name}`, async () => {
      mounted = await mount("chat-stream", state, { composer: "" });
      assertEqual(await violations(), []);
    });
  }
});
