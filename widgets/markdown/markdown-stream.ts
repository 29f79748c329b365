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
import { closeEmphasis, closeTail } from "./close-tail.ts";
import { type Rendered, renderTokens } from "./render-tokens.ts";
import type { TextTail } from "../state/view-state.ts";

/** Finished blocks per group (one element), and groups per shelf. */
const GROUP_SIZE = 64;
const SHELF_SIZE = 64;
/** How much of the previous text is compared to tell an append from a replacement. */
const CONTINUITY_PROBE = 64;
/** Bracketed text that could be a reference's label (labels hold no unescaped brackets). */
const BRACKETED = /\[((?:[^[\]\\]|\\.)*)\]/g;

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

/** A lexed block: its templates, the labels it defined, and whether it holds more than definitions. */
interface Lexed {
  rendered: Rendered[];
  defined: string[];
  cites: boolean;
}

/** Where a finished block lives, so a late definition can render it again. */
interface Placed {
  block: Block;
  group: Group;
  shelf: Shelf;
}

/** Renders one text that grows by appends; a text that does not extend the last one starts over. */
export class MarkdownStream {
  /** Length of the text rendered last, and its last CONTINUITY_PROBE code units. */
  #length = 0;
  #probe = "";
  /**
   * The text from the open block on: all the splitter scans, so that a render reads only what is
   * new, never the whole text (which the engine would copy on every read of a grown string).
   */
  #open = "";
  /** The splitter's state, its offsets relative to `#open`. */
  #state?: SplitState;
  #shelves: Shelf[] = [];
  /** Every link definition of the finished blocks, by normalized label; the first one wins. */
  #links: Links = Object.create(null);
  /** Bumped when a definition is added, so the cached tail knows it is stale. */
  #linksVersion = 0;
  /** Finished blocks citing each label that is not defined yet (see `#index`). */
  #citing = new Map<string, Placed[]>();
  #tail?: { source: string; streaming: boolean; linksVersion: number; template: TemplateResult };

  /**
   * The template for `text`; `streaming` closes unfinished syntax at the tail. `recent`, the end
   * of `text`, lets an appended text be read without reading all of it.
   */
  render(text: string, streaming: boolean, recent?: TextTail): TemplateResult {
    let added = this.#added(text, recent);
    if (added === undefined) {
      this.#reset();
      added = text;
    }
    this.#length = text.length;
    this.#probe = (this.#probe + added).slice(-CONTINUITY_PROBE);
    const split = splitBlocks(this.#open + added, this.#state);
    // Rebased on the open block, the only part a later scan needs.
    this.#open = split.tail;
    const { tailStart, scanned } = split.state;
    this.#state = { ...split.state, tailStart: 0, scanned: scanned - tailStart };
    const defined: string[] = [];
    for (const source of split.finished) defined.push(...this.#append(source));
    const tail = this.#renderTail(split.tail, streaming, defined);
    if (defined.length > 0) this.#rerenderCiting(defined);
    return html`${this.#shelves.map(renderShelf)}${tail}`;
  }

  /** What `text` appends to the text rendered last, or undefined when it does not extend it. */
  #added(text: string, recent: TextTail | undefined): string | undefined {
    const end = this.#length;
    const start = end - this.#probe.length;
    if (text.length < end) return undefined;
    const usable = recent !== undefined && recent.offset <= start &&
      recent.offset + recent.text.length === text.length;
    const { offset, text: source } = usable ? recent : { offset: 0, text };
    if (source.slice(start - offset, end - offset) !== this.#probe) return undefined;
    return source.slice(end - offset);
  }

  #reset(): void {
    this.#length = 0;
    this.#probe = "";
    this.#open = "";
    this.#state = undefined;
    this.#shelves = [];
    this.#links = Object.create(null);
    this.#citing.clear();
    this.#tail = undefined;
  }

  /** Adds a finished block; returns the labels it defines. */
  #append(source: string): string[] {
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
    const { rendered, defined, cites } = this.#lex(closeEmphasis(source), true);
    const block = { source, rendered };
    group.blocks.push(block);
    if (cites) this.#index({ block, group, shelf });
    return defined;
  }

  #renderTail(source: string, streaming: boolean, defined: string[]): TemplateResult {
    const cached = this.#tail;
    if (
      cached?.source === source && cached.streaming === streaming &&
      cached.linksVersion === this.#linksVersion
    ) {
      return cached.template;
    }
    // A finished text's last block may define links used earlier, so it then keeps its definitions.
    const lexed = this.#lex(streaming ? closeTail(source) : closeEmphasis(source), !streaming);
    defined.push(...lexed.defined);
    const template = html`<div class="tail">${lexed.rendered}${
      lexed.rendered.length === 0 ? html`<span class="empty"></span>` : ""
    }</div>`;
    this.#tail = { source, streaming, linksVersion: this.#linksVersion, template };
    return template;
  }

  /**
   * Lexes one block against the known definitions, shared rather than copied; `keep` records its
   * own definitions, otherwise they are forgotten after the lex (an open tail's may still change).
   */
  #lex(source: string, keep: boolean): Lexed {
    const defined: string[] = [];
    const lexer = new Lexer({ gfm: true });
    // Marked only ever adds a definition by assignment, after checking the label is not known.
    lexer.tokens.links = new Proxy(this.#links, {
      set: (links, label: string, value) => {
        defined.push(label);
        links[label] = value;
        return true;
      },
    });
    try {
      const tokens = lexer.lex(source);
      if (keep && defined.length > 0) this.#linksVersion++;
      return {
        rendered: renderTokens(tokens),
        defined: keep ? defined : [],
        cites: tokens.some((token) => token.type !== "def" && token.type !== "space"),
      };
    } finally {
      if (!keep) { for (const label of defined) delete this.#links[label]; }
    }
  }

  /** Notes the labels a block may cite that are not defined yet. */
  #index(placed: Placed): void {
    if (!placed.block.source.includes("[")) return;
    for (const match of placed.block.source.matchAll(BRACKETED)) {
      const label = normalizeLabel(match[1]);
      if (label === "" || label in this.#links) continue;
      const citing = this.#citing.get(label);
      if (citing === undefined) this.#citing.set(label, [placed]);
      else if (citing.at(-1) !== placed) citing.push(placed);
    }
  }

  /** Per CommonMark a definition applies to references before it, so blocks citing one re-render. */
  #rerenderCiting(labels: string[]): void {
    const again = new Set<Placed>();
    for (const label of labels) {
      for (const placed of this.#citing.get(label) ?? []) again.add(placed);
      this.#citing.delete(label);
    }
    for (const { block, group, shelf } of again) {
      block.rendered = this.#lex(closeEmphasis(block.source), false).rendered;
      group.version++;
      shelf.version++;
    }
    this.#tail = undefined;
  }
}

/** A link label as marked keys its definitions: trimmed, inner whitespace collapsed, case folded. */
function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, " ").toLowerCase().toUpperCase().toLowerCase();
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
