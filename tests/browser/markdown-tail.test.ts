import { render } from "lit";
import { MarkdownStream } from "../../widgets/markdown/markdown-stream.ts";
import type { TextTail } from "../../widgets/state/view-state.ts";
import { assertEqual } from "./view-fixture.ts";

const PIECES = [
  "## Finding\n\nThe value **12** is within range; see `lab` for the trend.\n\n",
  "- first point µg\n- second — point\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
  "```\ncode line\n```\n\nA [link][ref] and text.\n\n[ref]: https://example.org\n\n",
];

/** What a fresh stream renders for `text`, as markup without Lit's markers. */
function whole(text: string, streaming: boolean): string {
  return markup(new MarkdownStream().render(text, streaming));
}

function markup(template: unknown): string {
  const container = document.createElement("div");
  render(template, container);
  return container.innerHTML.replace(/<!--[^>]*-->/g, "");
}

describe("markdown rendering from a text's tail", () => {
  it("renders what the whole text renders, while the tail moves along", () => {
    const stream = new MarkdownStream();
    let text = "";
    let tail: TextTail = { offset: 0, text: "" };
    for (let i = 0; i < 300; i++) {
      const piece = PIECES[i % PIECES.length];
      for (let at = 0; at < piece.length; at += 7) {
        const chunk = piece.slice(at, at + 7);
        text += chunk;
        // Kept as the reducer keeps it: between 200 and 400 code units of the end.
        const grown = tail.text + chunk;
        tail = grown.length <= 400
          ? { offset: tail.offset, text: grown }
          : { offset: tail.offset + grown.length - 200, text: grown.slice(-200) };
      }
      const rendered = markup(stream.render(text, true, tail));
      if (i % 50 === 49) assertEqual(rendered, whole(text, true), `after ${i + 1} pieces`);
    }
    assertEqual(markup(stream.render(text, false, tail)), whole(text, false), "finished");
  });

  it("reads the whole text when the tail does not cover what is new or does not match it", () => {
    const stream = new MarkdownStream();
    const first = PIECES.join("");
    stream.render(first, true);
    const text = first + PIECES[0];
    // The tail starts after the text rendered last: what lies between would be missed.
    const late = { offset: text.length - 10, text: text.slice(-10) };
    assertEqual(markup(stream.render(text, true, late)), whole(text, true));
    // A tail that is not the end of the text is ignored.
    const wrong = { offset: 0, text: "something else" };
    const longer = text + PIECES[1];
    assertEqual(markup(stream.render(longer, true, wrong)), whole(longer, true));
  });

  it("starts over for a text that does not extend the last one", () => {
    const stream = new MarkdownStream();
    stream.render(PIECES.join(""), true);
    const other = PIECES[2] + PIECES[0];
    assertEqual(markup(stream.render(other, true)), whole(other, true));
  });
});
