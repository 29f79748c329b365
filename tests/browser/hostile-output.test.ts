/// <reference path="./support/mocha-globals.d.ts" />
/**
 * Hostile model output in a page with a strict Content Security Policy and Trusted
 * Types enforced, installed before the elements load: a corpus of payloads streamed chunk by chunk
 * (split inside tags and schemes) into `<reasoning-panel>` and `<chat-stream>`. No script runs, no
 * CSP or Trusted Types violation fires, no request leaves for another host, and the text is kept.
 */
import type { Mounted } from "./view-fixture.ts";
import type { ViewState } from "../../widgets/state/view-state.ts";

declare global {
  /** Set by a payload's script if it ever runs. */
  var pwned: string | undefined;
}

/** Another host serving this same test server, so a request to it would really happen. */
const OTHER = `http://${
  location.hostname === "localhost" ? "127.0.0.1" : "localhost"
}:${location.port}`;

/** Strict: scripts only from this origin, no inline script, no plugins, Trusted Types for lit-html only. */
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types lit-html",
].join("; ");

const violations: string[] = [];
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
const meta = document.createElement("meta");
meta.httpEquiv = "Content-Security-Policy";
meta.content = POLICY;
document.head.prepend(meta);

/** Model output that would run script or fetch from another host if it were ever treated as HTML. */
const PAYLOADS: string[] = [
  `<script>window.pwned='script'</script>`,
  `<img src=x onerror="window.pwned='img'">`,
  `<svg onload="window.pwned='svg'"><script>window.pwned='svg-script'</script></svg>`,
  `<iframe src="javascript:parent.pwned='iframe'"></iframe>`,
  `<iframe srcdoc="<script>parent.pwned='srcdoc'</script>"></iframe>`,
  `<object data="javascript:window.pwned='object'"></object><embed src="javascript:window.pwned='embed'">`,
  `<a href="javascript:window.pwned='anchor'">raw anchor</a>`,
  `[link](javascript:window.pwned='md')`,
  `[case](JaVaScRiPt:window.pwned='case')`,
  `[tab](java\tscript:window.pwned='tab')`,
  `[entity](&#106;avascript:window.pwned='entity')`,
  `[percent](%6Aavascript:window.pwned='percent')`,
  `[angle](<javascript:window.pwned='angle'>)`,
  `[colon](javascript&colon;window.pwned='colon')`,
  `[newline](java\nscript:window.pwned='newline')`,
  `[vb](vbscript:msgbox(1))`,
  `[data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQucHduZWQ9J2RhdGEnPC9zY3JpcHQ+)`,
  `[protocol-relative](//evil.example/x)`,
  `[backslashes](\\\\evil.example\\x)`,
  `![tracker](${OTHER}/pixel.png)`,
  `![ref image][r] DONE\n\n[r]: ${OTHER}/ref.png`,
  `[ref link][j] DONE\n\n[j]: javascript:window.pwned='ref'`,
  `<${OTHER}/autolink.png>`,
  `<style>@import url(${OTHER}/x.css); *{background:url(${OTHER}/bg.png)}</style>`,
  `<link rel=stylesheet href="${OTHER}/x.css"><link rel=prefetch href="${OTHER}/pre">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.pwned='meta'">`,
  `<form action="javascript:window.pwned='form'"><button>go</button></form>`,
  `<details open ontoggle="window.pwned='details'">x</details>`,
  `<video><source onerror="window.pwned='video'"></video><audio src=x onerror="window.pwned='audio'">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.pwned='mxss'">`,
  `<base href="${OTHER}/"> [relative](rel.png)`,
  "```html\n<script>window.pwned='fence'</script>\n<img src=x onerror=\"window.pwned='fence-img'\">",
  "`<img src=x onerror=\"window.pwned='codespan'\">` and **<img src=x onerror=\"window.pwned='strong'\">**",
  `| <img src=x onerror="window.pwned='cell'"> | b |\n|---|---|\n| [c](javascript:window.pwned='cell-link') | d |`,
  `# <script>window.pwned='heading'</script> heading`,
  `<!-- --><img src=x onerror="window.pwned='comment'"><!-- -->`,
  "bidi \u202Egnp.exe\u202C and [\u202Etxt.exe](https://example.org/\u202E) and \u2066isolate\u2069",
  "NUL \u0000<script>window.pwned='nul'</script> zero\u200Bwidth java\u200Bscript:x",
  `<img src="${OTHER}/direct.png"> <input autofocus onfocus="window.pwned='focus'">`,
  "A".repeat(50_000),
];

/** Cut points: every 7th character, and right after each `<` and `:` (inside tags and schemes). */
function cuts(text: string): number[] {
  const points = new Set<number>();
  for (let i = 7; i < text.length; i += 7) points.add(i);
  for (let i = 0; i < text.length; i++) if (text[i] === "<" || text[i] === ":") points.add(i + 1);
  const sorted = [...points].filter((p) => p < text.length).sort((a, b) => a - b);
  // At most ~8 steps per payload, so the corpus stays fast.
  const step = Math.max(1, Math.ceil(sorted.length / 8));
  return sorted.filter((_, i) => i % step === 0);
}

type Fixture = typeof import("./view-fixture.ts");
let fixture: Fixture;
let mounted: Mounted<HTMLElement & { updateComplete: Promise<boolean> }> | undefined;
let foreign: string[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (new URL(entry.name).host !== location.host) foreign.push(entry.name);
  }
});

before(async () => {
  // The elements load only now, under the policy.
  fixture = await import("./view-fixture.ts");
  await import("../../widgets/reasoning-panel.ts");
  await import("../../widgets/chat-stream.ts");
  observer.observe({ type: "resource", buffered: false });
});
after(() => observer.disconnect());
afterEach(() => mounted?.remove());

const text = (i: number, payload: string) => `KEEP${i} ${payload} DONE${i}`;

function reasoningView(body: string, done: boolean): ViewState {
  return fixture.view({
    status: done ? "done" : "streaming",
    sections: {
      reasoning: [fixture.section("plan", { status: done ? "complete" : "streaming", text: body })],
      chat: [],
    },
  });
}

function chatView(body: string, done: boolean): ViewState {
  return fixture.view({
    status: done ? "done" : "streaming",
    messages: [fixture.message("r", { status: done ? "complete" : "streaming", content: body })],
  });
}

/** Streams one payload into `tag` in split chunks and checks every guarantee. */
async function streamPayload(
  tag: string,
  build: (body: string, done: boolean) => ViewState,
  i: number,
) {
  const assert: Fixture["assert"] = fixture.assert;
  const { assertEqual, mount, shadow } = fixture;
  const payload = PAYLOADS[i];
  const body = text(i, payload);
  mounted = await mount(tag, build("", false));
  const root = shadow(mounted.element);
  const steps = [...cuts(body).map((end) => build(body.slice(0, end), false)), build(body, true)];
  for (const [n, step] of steps.entries()) {
    const started = performance.now();
    await mounted.setView(step);
    // Forces layout, so a render that is cheap in script but quadratic in layout is timed too.
    mounted.element.getBoundingClientRect();
    const took = performance.now() - started;
    assert(took < STEP_BUDGET_MS, `step ${n + 1} of ${steps.length} took ${took.toFixed(0)} ms`);
  }
  const shown = root.textContent ?? "";
  assert(shown.includes(`KEEP${i}`) && shown.includes(`DONE${i}`), "text lost");
  if (payload.length >= 50_000) assert(shown.includes(payload), "the long token was cut");
  const active = root.querySelectorAll(ACTIVE);
  assertEqual(active.length, 0, "active elements");
  const handlers = [...root.querySelectorAll("*")].filter((el) =>
    [...el.attributes].some((attribute) => attribute.name.startsWith("on"))
  );
  assertEqual(handlers.length, 0, "elements with handlers");
  for (const anchor of root.querySelectorAll("a")) {
    const href = anchor.getAttribute("href") ?? "";
    assert(/^(https?:\/\/|mailto:)/.test(href), `link to ${href}`);
    assertEqual(anchor.rel, "noopener noreferrer", `rel of ${href}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  assertEqual(globalThis.pwned, undefined, "window.pwned");
  assertEqual(violations, [], "CSP or Trusted Types violations");
  assertEqual(foreign, [], "requests to other hosts");
}

/** One chunk's render and layout; a frozen page for longer is a denial of service. */
const STEP_BUDGET_MS = 1000;

const ACTIVE =
  "img, script, iframe, svg, object, embed, style, link, meta, base, form, input, video, audio, math";

describe("hostile model output under a strict CSP with Trusted Types", () => {
  it("enforces the policy: an HTML sink without a trusted value throws and reports", async () => {
    const probe = document.createElement("div");
    let threw = false;
    try {
      probe.innerHTML = "<b>x</b>";
    } catch {
      threw = true;
    }
    const image = new Image();
    image.src = `${OTHER}/probe.png`;
    await new Promise((resolve) => setTimeout(resolve, 200));
    fixture.assert(threw, "innerHTML accepted a string");
    fixture.assert(
      violations.some((v) => v.startsWith("require-trusted-types-for")),
      "no Trusted Types report",
    );
    fixture.assert(violations.some((v) => v.startsWith("img-src")), "no img-src report");
    violations.length = 0;
    foreign = [];
  });

  for (
    const [tag, build] of [["reasoning-panel", reasoningView], ["chat-stream", chatView]] as const
  ) {
    PAYLOADS.forEach((payload, i) => {
      it(`<${tag}> keeps payload ${i} inert and its text kept: ${JSON.stringify(payload.slice(0, 40))}`, async () => {
        await streamPayload(tag, build, i);
      });
    });
  }
});
