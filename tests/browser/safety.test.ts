import "../../widgets/reasoning-panel.ts";
import "../../widgets/chat-stream.ts";
import type { ViewState } from "../../widgets/state/view-state.ts";
import {
  assert,
  assertEqual,
  message,
  mount,
  type Mounted,
  section,
  shadow,
  view,
} from "./view-fixture.ts";

declare global {
  var pwned: string | undefined;
}

/** Another host serving this same page's server, so a request to it would really happen and be seen. */
const OTHER = `http://${
  location.hostname === "localhost" ? "127.0.0.1" : "localhost"
}:${location.port}`;

/** Model text that would run script or fetch from another host if it were ever treated as HTML. */
const HOSTILE = [
  `Result <img src=x onerror="window.pwned='img'"> and <script>window.pwned='script'</script>`,
  "",
  `<iframe src="javascript:parent.pwned='iframe'"></iframe> <svg onload="window.pwned='svg'"></svg>`,
  "",
  `<a href="javascript:window.pwned='anchor'">raw anchor</a> <img src="${OTHER}/raw.png">`,
  "",
  "[click](javascript:window.pwned='link') [Click](JaVaScRiPt:window.pwned='case')",
  "[tab](java\tscript:window.pwned='tab') [entity](&#106;avascript:window.pwned='entity')",
  "[data](data:text/html,<script>parent.pwned='data'</script>) [vb](vbscript:msgbox) [rel](//evil.example/x)",
  "",
  `![tracker](${OTHER}/pixel.png) ![ref][t] <${OTHER}/auto>`,
  "",
  `[t]: ${OTHER}/ref.png`,
  "",
  "Safe [site](https://example.org) ends.",
].join("\n");

let mounted: Mounted<HTMLElement & { updateComplete: Promise<boolean> }> | undefined;
let foreign: string[] = [];
let observer: PerformanceObserver | undefined;

beforeEach(() => {
  globalThis.pwned = undefined;
  foreign = [];
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (new URL(entry.name).host !== location.host) foreign.push(entry.name);
    }
  });
  observer.observe({ type: "resource" });
});
afterEach(() => {
  observer?.disconnect();
  mounted?.remove();
});

/** Asserts that the rendered output is inert: no script ran, nothing active or fetching exists. */
async function assertInert(root: ShadowRoot): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEqual(globalThis.pwned, undefined, "window.pwned");
  assertEqual(root.querySelectorAll("img, script, iframe, svg, object, embed, style").length, 0);
  const withHandlers = [...root.querySelectorAll("*")].filter((el) =>
    [...el.attributes].some((attribute) => attribute.name.startsWith("on"))
  );
  assertEqual(withHandlers.length, 0, "elements with event handler attributes");
  const hrefs = [...root.querySelectorAll("a")].map((a) => a.getAttribute("href"));
  assertEqual(hrefs, [
    `${OTHER}/pixel.png`,
    `${OTHER}/ref.png`,
    `${OTHER}/auto`,
    "https://example.org/",
  ]);
  assertEqual(foreign, [], "requests to other hosts");
}

const reasoning = (text: string, status: ViewState["status"]) =>
  view({
    status,
    sections: {
      reasoning: [section("plan", { status: status === "done" ? "complete" : "streaming", text })],
      chat: [],
    },
  });

describe("rendering hostile model text", () => {
  it("uses payloads that are live as HTML and a request check that sees them", async () => {
    const probe = document.createElement("div");
    probe.innerHTML = `<img src="${OTHER}/probe.png" onerror="window.pwned='probe'">`;
    document.body.append(probe);
    await new Promise((resolve) => probe.querySelector("img")!.addEventListener("error", resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    probe.remove();
    assertEqual(globalThis.pwned, "probe");
    assertEqual(foreign, [`${OTHER}/probe.png`]);
  });

  it("keeps markup, scripts and bad links inert in <reasoning-panel>", async () => {
    mounted = await mount("reasoning-panel", reasoning(HOSTILE, "done"));
    const root = shadow(mounted.element);
    assert(
      root.textContent!.includes(`<script>window.pwned='script'</script>`),
      "the script shows as text",
    );
    await assertInert(root);
  });

  it("keeps the same text inert when it streams in chunks split inside the markup", async () => {
    mounted = await mount("reasoning-panel", reasoning("", "streaming"));
    for (let end = 7; end < HOSTILE.length; end += 7) {
      await mounted.setView(reasoning(HOSTILE.slice(0, end), "streaming"));
    }
    await mounted.setView(reasoning(HOSTILE, "done"));
    await assertInert(shadow(mounted.element));
  });

  it("keeps it inert in a streamed <chat-stream> reply", async () => {
    const chat = (content: string, status: ViewState["status"]) =>
      view({
        status,
        messages: [message("r", { status: status === "done" ? "complete" : "streaming", content })],
      });
    mounted = await mount("chat-stream", chat("", "streaming"));
    for (let end = 13; end < HOSTILE.length; end += 13) {
      await mounted.setView(chat(HOSTILE.slice(0, end), "streaming"));
    }
    await mounted.setView(chat(HOSTILE, "done"));
    await assertInert(shadow(mounted.element));
  });
});
