/**
 * Incremental rendering of one growing markdown text. Finished blocks are lexed and templated once
 * and kept in groups of groups ("shelves") behind `guard`, so an update walks neither their tokens
 * nor their DOM — one dependency check per shelf of 4096 blocks; only the open tail is lexed again,
 * with its unfinished syntax temporarily closed. Each group is its own element so that styles can
 * let the browser skip laying out the ones off screen.
 */
import { html, type TemplateResult } from "lit";
import { guard } from "lit/directives/guard.js";
import { Lexer, type Links } from "marked";
import { splitBlocks, type SplitState } from "./blocks.ts";
import { closeTail } from "./close-tail.ts";
import { type Rendered, renderTokens } from "./render-tokens.ts";

/** Finished blocks per group (one element), and groups per shelf. */
const GROUP_SIZE = 64;
const SHELF_SIZE = 64;
/** How much of the previous text is compared to tell an append from a replacement. */
const CONTINUITY_PROBE = 64;

interface Block {
  source: string;
  rendered: Rendered[];
}

interface Group {
  blocks: Block[];
  /** Bumped when a block of the group is rendered again (a late link definition). */
  version: number;
}

interface Shelf {
  groups: Group[];
  /** Bumped with any of its groups' versions. */
  version: number;
}

/** Renders one text that grows by appends; a text that does not extend the last one starts over. */
export class MarkdownStream {
  #text = "";
  #state?: SplitState;
  #shelves: Shelf[] = [];
  #links: Links = Object.create(null);
  #tail?: { source: string; streaming: boolean; linkCount: number; template: TemplateResult };

  /** The template for `text`; `streaming` closes unfinished syntax at the tail. */
  render(text: string, streaming: boolean): TemplateResult {
    if (!this.#extends(text)) this.#reset();
    this.#text = text;
    const split = splitBlocks(text, this.#state);
    this.#state = split.state;
    const linkCount = Object.keys(this.#links).length;
    for (const source of split.finished) this.#append(source);
    const tail = this.#renderTail(split.tail, streaming);
    if (Object.keys(this.#links).length !== linkCount) this.#rerenderLinkUsers();
    return html`${this.#shelves.map(renderShelf)}${tail}`;
  }

  #extends(text: string): boolean {
    const previous = this.#text;
    if (text.length < previous.length) return false;
    const from = Math.max(0, previous.length - CONTINUITY_PROBE);
    return text.slice(from, previous.length) === previous.slice(from);
  }

  #reset(): void {
    this.#state = undefined;
    this.#shelves = [];
    this.#links = Object.create(null);
    this.#tail = undefined;
  }

  #append(source: string): void {
    let shelf = this.#shelves.at(-1);
    let group = shelf?.groups.at(-1);
    if (!shelf || !group || group.blocks.length === GROUP_SIZE) {
      if (!shelf || shelf.groups.length === SHELF_SIZE) {
        shelf = { groups: [], version: 0 };
        this.#shelves.push(shelf);
      }
      group = { blocks: [], version: 0 };
      shelf.groups.push(group);
    }
    group.blocks.push({ source, rendered: this.#lex(source, true) });
  }

  #renderTail(source: string, streaming: boolean): TemplateResult {
    const linkCount = Object.keys(this.#links).length;
    const cached = this.#tail;
    if (
      cached?.source === source && cached.streaming === streaming && cached.linkCount === linkCount
    ) {
      return cached.template;
    }
    // A finished text's last block may define links used earlier, so it then keeps its definitions.
    const rendered = this.#lex(streaming ? closeTail(source) : source, !streaming);
    const template = html`<div class="tail">${rendered}${
      rendered.length === 0 ? html`<span class="empty"></span>` : ""
    }</div>`;
    this.#tail = { source, streaming, linkCount: Object.keys(this.#links).length, template };
    return template;
  }

  /** Lexes one block with the link definitions known so far; `keep` records its own. */
  #lex(source: string, keep: boolean): Rendered[] {
    const lexer = new Lexer({ gfm: true });
    Object.assign(lexer.tokens.links, this.#links);
    const tokens = lexer.lex(source);
    if (keep) this.#links = { ...tokens.links, ...this.#links };
    return renderTokens(tokens);
  }

  /** Per CommonMark a definition applies to references before it, so blocks citing one re-render. */
  #rerenderLinkUsers(): void {
    for (const shelf of this.#shelves) {
      for (const group of shelf.groups) {
        for (const block of group.blocks) {
          if (!block.source.includes("[")) continue;
          block.rendered = this.#lex(block.source, false);
          group.version++;
          shelf.version++;
        }
      }
    }
    this.#tail = undefined;
  }
}

/** A shelf re-renders only when a block was added to or rendered again in it. */
function renderShelf(shelf: Shelf): unknown {
  const last = shelf.groups.at(-1)!;
  return guard(
    [shelf.groups.length, last.blocks.length, shelf.version],
    () => shelf.groups.map(renderGroup),
  );
}

function renderGroup(group: Group): TemplateResult {
  return html`<div class="group">${
    guard([group.blocks.length, group.version], () => group.blocks.map((block) => block.rendered))
  }</div>`;
}
