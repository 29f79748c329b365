/**
 * Markdown as the plain text a clinical note can take: the same tokens the elements render, read
 * as text — headings and paragraphs as lines, list items with their bullet or number, tables as
 * rows of tab-separated cells, links with their address. Pure.
 */
import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import { closeEmphasis } from "./close-tail.ts";
import { decodeEntities } from "./render-tokens.ts";
import { safeHref } from "./safe-url.ts";

/** The text `markdown` reads as, without its markup. */
export function plainText(markdown: string): string {
  const tokens = new Lexer({ gfm: true }).lex(closeEmphasis(markdown));
  return blocks(tokens).join("\n\n").trim();
}

function blocks(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token) => {
    const text = block(token as MarkedToken);
    return text === undefined ? [] : [text];
  });
}

function block(token: MarkedToken): string | undefined {
  switch (token.type) {
    case "space":
    case "def":
      return undefined;
    case "paragraph":
    case "heading":
      return inline(token.tokens);
    case "code":
      return token.text;
    case "blockquote":
      return blocks(token.tokens).join("\n\n").replace(/^/gm, "  ");
    case "list":
      return list(token);
    case "table":
      return [token.header, ...token.rows]
        .map((row) => row.map((cell) => inline(cell.tokens)).join("\t"))
        .join("\n");
    case "hr":
      return "—";
    case "html":
      return token.text.trimEnd();
    default:
      return inline([token]);
  }
}

function list(token: Tokens.List): string {
  const first = token.start === "" ? 1 : Number(token.start);
  return token.items.map((item, index) => {
    const marker = token.ordered ? `${first + index}.` : "•";
    const body = item.tokens.map((child) => {
      const text = child.type === "text" ? inline([child]) : block(child as MarkedToken);
      return text ?? "";
    }).filter((text) => text !== "").join(item.loose ? "\n\n" : "\n");
    // Continuation lines line up under the item's first word.
    return `${marker} ${body.replace(/\n/g, `\n${" ".repeat(marker.length + 1)}`)}`;
  }).join(itemSeparator(token));
}

function itemSeparator(token: Tokens.List): string {
  return token.loose ? "\n\n" : "\n";
}

function inline(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map((generic) => {
    const token = generic as MarkedToken;
    switch (token.type) {
      case "text":
        if ("tokens" in token && token.tokens) return inline(token.tokens);
        return token.escaped === false ? decodeEntities(token.text) : token.text;
      case "strong":
      case "em":
      case "del":
        return inline(token.tokens);
      case "codespan":
      case "escape":
        return token.text;
      case "br":
        return "\n";
      case "checkbox":
        return token.checked ? "\u2611 " : "\u2610 ";
      case "link":
        return linkText(inline(token.tokens), token.href);
      case "image":
        return linkText(token.text, token.href);
      case "html":
        return token.text;
      default:
        return "raw" in token ? String(token.raw) : "";
    }
  }).join("");
}

/** A link keeps its address after its words, unless they are the address already. */
function linkText(words: string, href: string): string {
  const url = safeHref(href);
  if (url === undefined || words === href || words === url) return words;
  return `${words} (${href.startsWith("mailto:") ? href.slice(7) : href})`;
}
