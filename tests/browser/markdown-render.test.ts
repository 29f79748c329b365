import { render } from "lit";
import { MarkdownStream } from "../../widgets/markdown/markdown-stream.ts";
import { assert, assertEqual, textOf } from "./view-fixture.ts";

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement("div");
  document.body.append(container);
});
afterEach(() => container.remove());

/** Renders `text` with a fresh stream (or `stream`) into the container. */
function show(text: string, streaming = false, stream = new MarkdownStream()): HTMLElement {
  render(stream.render(text, streaming), container);
  return container;
}

describe("markdown rendering", () => {
  it("renders the subset: headings, emphasis, code, lists, tables, quotes, rules", () => {
    show([
      "## Plan",
      "",
      "Give *one* dose, **not two**, ~~three~~ and check `K+`.",
      "",
      "1. First",
      "2. Second",
      "   - nested",
      "",
      "| Drug | Dose |",
      "|:-----|-----:|",
      "| A | 5 mg |",
      "",
      "> Note",
      "",
      "---",
      "",
      "```",
      "x < y",
      "```",
    ].join("\n"));
    assertEqual(textOf(container.querySelector("h2")), "Plan");
    assertEqual(textOf(container.querySelector("em")), "one");
    assertEqual(textOf(container.querySelector("strong")), "not two");
    assertEqual(textOf(container.querySelector("del")), "three");
    assertEqual(textOf(container.querySelector("p code")), "K+");
    assertEqual([...container.querySelectorAll("ol > li")].length, 2);
    assertEqual(textOf(container.querySelector("ol ul li")), "nested");
    assertEqual([...container.querySelectorAll("th")].map(textOf), ["Drug", "Dose"]);
    assertEqual(container.querySelector("td:last-child")?.getAttribute("data-align"), "right");
    assertEqual(textOf(container.querySelector("blockquote")), "Note");
    assert(container.querySelector("hr"), "a rule");
    assertEqual(container.querySelector("pre code")?.textContent, "x < y");
  });

  it("links only http, https and mailto, opening a new tab without referrer", () => {
    show(
      "[a](https://a.example) [b](mailto:b@example.org) [c](javascript:alert(1)) [d](//evil.example)",
    );
    const links = [...container.querySelectorAll("a")];
    assertEqual(links.map((a) => a.getAttribute("href")), [
      "https://a.example/",
      "mailto:b@example.org",
    ]);
    assertEqual(links.map((a) => a.getAttribute("rel")), [
      "noopener noreferrer",
      "noopener noreferrer",
    ]);
    assertEqual(links.map((a) => a.getAttribute("target")), ["_blank", "_blank"]);
    assertEqual(textOf(container), "a b c d");
  });

  it("shows inline and reference-style images as links, never as images", () => {
    show("![scan](https://img.example/x.png) and ![ref][pic]\n\n[pic]: https://img.example/y.png");
    assertEqual(container.querySelectorAll("img").length, 0);
    const links = [...container.querySelectorAll("a.image")];
    assertEqual(links.map((a) => [a.getAttribute("href"), textOf(a)]), [
      ["https://img.example/x.png", "scan"],
      ["https://img.example/y.png", "ref"],
    ]);
  });

  it("renders a reference link whose definition arrives blocks later", () => {
    const stream = new MarkdownStream();
    show("See [the guideline][g].\n\nMore text.\n\n", true, stream);
    assertEqual(container.querySelectorAll("a").length, 0);
    show(
      "See [the guideline][g].\n\nMore text.\n\n[g]: https://guide.example\n\nEnd",
      true,
      stream,
    );
    assertEqual(container.querySelector("a")?.getAttribute("href"), "https://guide.example/");
  });

  it("renders 2,000 streamed link definitions in bounded time, each reference resolved", () => {
    const stream = new MarkdownStream();
    let text = "";
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      text += `See [Ref  ${i}] and [r${i - 1}].\n\n[ref ${i}]: https://x.example/${i}\n\n`;
      show(text, true, stream);
    }
    show(text, false, stream);
    const elapsed = performance.now() - started;
    const links = [...container.querySelectorAll("a")];
    assertEqual(links.length, 2000);
    assertEqual(links[1999].getAttribute("href"), "https://x.example/1999");
    assert(elapsed < 4000, `rendering took ${elapsed.toFixed(0)} ms`);
  });

  it("lays out a 50 000-character word quickly by offering a break every 32 characters", () => {
    const word = "A".repeat(50_000);
    show(`Key: ${word}`);
    const started = performance.now();
    void container.offsetHeight;
    const layout = performance.now() - started;
    assertEqual(container.querySelector("p")?.textContent, `Key: ${word}`);
    assertEqual(container.querySelectorAll("wbr").length, Math.ceil(word.length / 32) - 1);
    assert(layout < 1000, `layout took ${layout.toFixed(0)} ms`);
  });

  it("never breaks a long run between a letter and its combining mark", () => {
    const run = "e\u0301".repeat(100);
    show(run);
    const pieces = [...container.querySelector("p")!.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent !== "");
    assert(pieces.length > 1, "the run was split");
    for (const piece of pieces) {
      assert(!/^\p{M}/u.test(piece.textContent!), "a piece starts with a mark");
    }
    assertEqual(container.querySelector("p")?.textContent, run);
  });

  it("renders raw HTML as its literal text", () => {
    show("<b>bold</b> and <i>x</i>\n\n<div>\nblock\n</div>");
    assertEqual(container.querySelectorAll("b, i, div:not(.tail, .group)").length, 0);
    assertEqual([...container.querySelectorAll("p")].map(textOf), [
      "<b>bold</b> and <i>x</i>",
      "<div> block </div>",
    ]);
  });

  it("shows an open code fence as a code block while streaming", () => {
    show("Intro\n\n```python\nprint('hi')\n", true);
    assertEqual(container.querySelector("pre code")?.textContent, "print('hi')");
  });

  it("does not flash a dangling ** or half a link while streaming", () => {
    const stream = new MarkdownStream();
    show("Risk is **", true, stream);
    assertEqual(textOf(container), "Risk is");
    show("Risk is **high", true, stream);
    assertEqual(textOf(container.querySelector("strong")), "high");
    show("Risk is **high**, see [NICE](https://nice.org", true, stream);
    assertEqual(textOf(container), "Risk is high, see NICE");
    assertEqual(container.querySelectorAll("a").length, 0);
  });

  it("keeps a finished block's DOM node when text is appended", () => {
    const stream = new MarkdownStream();
    show("# Title\n\nFirst paragraph.\n\nSecond", true, stream);
    const heading = container.querySelector("h1");
    const first = container.querySelector("p");
    show("# Title\n\nFirst paragraph.\n\nSecond paragraph grows\n\n- and a list", true, stream);
    assert(container.querySelector("h1") === heading, "the heading is the same node");
    assert(container.querySelector("p") === first, "the first paragraph is the same node");
  });

  it("renders the same DOM text streamed in chunks as rendered whole", () => {
    const text =
      "# A\n\nSome **bold** and `code`.\n\n- x\n- y\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nz\n```\nEnd.";
    show(text);
    const whole = container.innerHTML.replace(/<!--.*?-->/g, "");
    container.remove();
    container = document.createElement("div");
    document.body.append(container);
    const stream = new MarkdownStream();
    for (let end = 3; end < text.length; end += 3) show(text.slice(0, end), true, stream);
    show(text, false, stream);
    const streamed = container.innerHTML.replace(/<!--.*?-->/g, "");
    assertEqual(
      textOf(container),
      textOf(new DOMParser().parseFromString(whole, "text/html").body),
    );
    assertEqual(streamed.replace(/<\/?div[^>]*>/g, ""), whole.replace(/<\/?div[^>]*>/g, ""));
  });
});
