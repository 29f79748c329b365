/**
 * Markdown tokens (from `marked`'s lexer) to Lit templates. Every piece of model text lands in a
 * text binding or a checked attribute binding, never in HTML: raw HTML tokens render as their
 * literal text, links pass the allow-list, and images become links that are never fetched.
 */
import { html, nothing, type TemplateResult } from "lit";
import type { MarkedToken, Token, Tokens } from "marked";
import { safeHref } from "./safe-url.ts";

/** What one token renders to. */
export type Rendered = TemplateResult | string | typeof nothing | Rendered[];

/** Renders a list of block or inline tokens. */
export function renderTokens(tokens: readonly Token[]): Rendered[] {
  return tokens.map(renderToken);
}

function renderToken(generic: Token): Rendered {
  const token = generic as MarkedToken;
  switch (token.type) {
    case "space":
    case "def":
      return nothing;
    case "paragraph":
      return html`<p dir="auto">${renderTokens(token.tokens)}</p>`;
    case "heading":
      return heading(token.depth, renderTokens(token.tokens));
    case "code":
      return html`<pre><code>${breakable(token.text)}</code></pre>`;
    case "blockquote":
      return html`<blockquote dir=${directionOf(token.raw)}>${
        renderTokens(token.tokens)
      }</blockquote>`;
    case "list":
      return list(token);
    case "list_item":
      return html`<li>${renderTokens(token.tokens)}</li>`;
    case "checkbox":
      return token.checked ? "\u2611 " : "\u2610 ";
    case "table":
      return table(token);
    case "hr":
      return html`<hr>`;
    case "html":
      return token.block
        ? html`<p class="raw" dir="auto">${breakable(token.text)}</p>`
        : breakable(token.text);
    case "text":
      if (token.tokens) return renderTokens(token.tokens);
      return breakable(token.escaped === false ? decodeEntities(token.text) : token.text);
    case "escape":
      return token.text;
    case "br":
      return html`<br>`;
    case "codespan":
      return html`<code>${breakable(token.text)}</code>`;
    case "strong":
      return html`<strong>${renderTokens(token.tokens)}</strong>`;
    case "em":
      return html`<em>${renderTokens(token.tokens)}</em>`;
    case "del":
      return html`<del>${renderTokens(token.tokens)}</del>`;
    case "link":
      return link(token.href, renderTokens(token.tokens));
    case "image":
      return link(token.href, breakable(token.text || token.href), "image");
    default: {
      const unknown: never = token;
      return (unknown as Tokens.Generic).raw;
    }
  }
}

function heading(depth: number, content: Rendered): TemplateResult {
  switch (depth) {
    case 1:
      return html`<h1 dir="auto">${content}</h1>`;
    case 2:
      return html`<h2 dir="auto">${content}</h2>`;
    case 3:
      return html`<h3 dir="auto">${content}</h3>`;
    case 4:
      return html`<h4 dir="auto">${content}</h4>`;
    case 5:
      return html`<h5 dir="auto">${content}</h5>`;
    default:
      return html`<h6 dir="auto">${content}</h6>`;
  }
}

function list(token: Tokens.List): TemplateResult {
  const items = token.items.map(renderToken);
  const dir = directionOf(token.raw);
  if (!token.ordered) return html`<ul dir=${dir}>${items}</ul>`;
  return html`<ol dir=${dir} start=${token.start === "" ? nothing : token.start}>${items}</ol>`;
}

function table(token: Tokens.Table): TemplateResult {
  const cell = (c: Tokens.TableCell) => renderTokens(c.tokens);
  const align = (c: Tokens.TableCell) => c.align ?? nothing;
  return html`
    <table dir=${directionOf(token.raw)}>
      <thead>
        <tr>${token.header.map((c) =>
          html`<th dir="auto" data-align=${align(c)}>${cell(c)}</th>`
        )}</tr>
      </thead>
      <tbody>${token.rows.map((row) =>
        html`<tr>${
          row.map((c) => html`<td dir="auto" data-align=${align(c)}>${cell(c)}</td>`)
        }</tr>`
      )}</tbody>
    </table>
  `;
}

const RIGHT_TO_LEFT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/**
 * A container's direction from its first letter, as `dir="auto"` would find it: `auto` itself
 * cannot be used on lists, tables and quotes, because it skips the text of children that have a
 * `dir` of their own (every paragraph and cell does).
 */
function directionOf(source: string): "rtl" | "ltr" | "auto" {
  const letter = /\p{L}/u.exec(source)?.[0];
  if (letter === undefined) return "auto";
  return RIGHT_TO_LEFT.test(letter) ? "rtl" : "ltr";
}

/** A link when the target passes the allow-list; otherwise just its text. */
function link(raw: string, content: Rendered, kind?: "image"): Rendered {
  const href = safeHref(raw);
  if (href === undefined) return content;
  return html`<a href=${href} class=${
    kind ?? nothing
  } target="_blank" rel="noopener noreferrer">${content}</a>`;
}

const LONG_RUN = /(\S{64,})/;
const BREAK_EVERY = 32;
const WBR = html`<wbr>`;

/**
 * Text with a line-break opportunity every 32 characters of any run of 64 or more without
 * whitespace. Chrome lays out a long unbroken run under `overflow-wrap: anywhere` in quadratic
 * time (a 40 000-character word: 3 s per layout); with `<wbr>`, linear (20 ms). Never between a
 * character and its combining marks, the halves of a surrogate pair, or around a zero-width joiner.
 */
export function breakable(text: string): Rendered {
  if (!LONG_RUN.test(text)) return text;
  return text.split(LONG_RUN).map((part, index) => index % 2 === 0 ? part : withBreaks(part));
}

function withBreaks(run: string): Rendered[] {
  const parts: Rendered[] = [];
  for (let start = 0; start < run.length;) {
    let end = Math.min(run.length, start + BREAK_EVERY);
    while (
      end < run.length &&
      (/[\p{M}\uDC00-\uDFFF\u200D]/u.test(run[end]) || run[end - 1] === "\u200D")
    ) {
      end++;
    }
    parts.push(run.slice(start, end));
    if (end < run.length) parts.push(WBR);
    start = end;
  }
  return parts;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** The lexer resolves numeric character references but leaves the common named ones to HTML. */
export function decodeEntities(text: string): string {
  return text.includes("&")
    ? text.replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name])
    : text;
}
