/**
 * The incremental block splitter: cuts streamed markdown into finished blocks, which no later text
 * can change, and the open tail, which may still change. Pure; each call scans only new text.
 *
 * A block is finished at a blank line outside a fenced code block, once the first character of
 * the next line shows that it starts a new block, or right after a top-level fence closes. Blank
 * lines never change the meaning of what precedes them except inside lists and indented code: a
 * block holding a list item or an indented line stays open while the next line after a blank line
 * is indented or is a list item.
 */

/** An open code fence: its character and length, which a closing fence must match. */
export interface OpenFence {
  char: "`" | "~";
  length: number;
  /** Opened at the top level (no list or quote prefix): its closing line ends a block. */
  topLevel: boolean;
}

/** Where the scan stands; pass it back with the longer text so that only new text is scanned. */
export interface SplitState {
  /** Offset where the open tail starts: the end of the last finished block. */
  tailStart: number;
  /** Offset up to which complete lines have been scanned. */
  scanned: number;
  fence?: OpenFence;
  /** The open block holds a non-blank line. */
  hasContent: boolean;
  /** The open block holds a list item or an indented line, which a later line may continue. */
  continuable: boolean;
  /** A blank line followed the open block's last content line. */
  afterBlank: boolean;
}

/** The result of a split: blocks finished by this call, the open tail, and the state to resume from. */
export interface BlockSplit {
  /** Sources of the blocks finished since `previous`; with earlier ones and the tail they make up the text. */
  finished: string[];
  tail: string;
  state: SplitState;
}

const INITIAL: SplitState = {
  tailStart: 0,
  scanned: 0,
  hasContent: false,
  continuable: false,
  afterBlank: false,
};

const CONTAINER_PREFIX = /^(?:[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+))*/;
const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const LIST_MARKER = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t\r]|$)/;
const MAYBE_LIST_MARKER = /^ {0,3}(?:[-+*]|\d{1,9}[.)]?)$/;
const BLANK = /^[ \t\r]*$/;

/**
 * Splits `text` into finished blocks and the open tail. Given the state of an earlier call on a
 * prefix of `text`, it resumes from there and returns only the blocks finished since; a text
 * shorter than the scanned part starts over.
 */
export function splitBlocks(text: string, previous?: SplitState): BlockSplit {
  let state = previous && previous.scanned <= text.length ? { ...previous } : { ...INITIAL };
  const finished: string[] = [];
  const finish = (end: number) => {
    finished.push(text.slice(state.tailStart, end));
    state = { ...INITIAL, tailStart: end, scanned: state.scanned };
  };

  let lineStart = state.scanned;
  for (let newline = text.indexOf("\n", lineStart); newline !== -1;) {
    const line = text.slice(lineStart, newline);
    const next = newline + 1;
    if (state.fence) {
      if (closesFence(line, state.fence)) {
        const topLevel = state.fence.topLevel && !state.continuable;
        state.fence = undefined;
        state.scanned = next;
        if (topLevel) finish(next);
      }
    } else if (BLANK.test(line)) {
      if (state.hasContent) state.afterBlank = true;
    } else {
      if (state.afterBlank && startsNewBlock(line, state.continuable, true)) finish(lineStart);
      takeContentLine(state, line);
    }
    state.scanned = next;
    lineStart = next;
    newline = text.indexOf("\n", lineStart);
  }

  const partial = text.slice(lineStart);
  if (!state.fence && state.afterBlank && !BLANK.test(partial)) {
    if (startsNewBlock(partial, state.continuable, false)) finish(lineStart);
  }
  return { finished, tail: text.slice(state.tailStart), state };
}

/** Records a non-blank line outside a fence in the open block. */
function takeContentLine(state: SplitState, line: string): void {
  state.hasContent = true;
  state.afterBlank = false;
  if (LIST_MARKER.test(line) || /^(?: {4}|[ ]{0,3}\t)/.test(line)) state.continuable = true;
  const prefix = CONTAINER_PREFIX.exec(line)![0];
  const fence = FENCE_OPEN.exec(line.slice(prefix.length));
  if (!fence) return;
  const char = fence[2][0] as "`" | "~";
  // Per CommonMark, a backtick fence's info string cannot contain a backtick (it is a code span).
  if (char === "`" && fence[3].includes("`")) return;
  const topLevel = prefix === "" && fence[1].length <= 3;
  state.fence = { char, length: fence[2].length, topLevel };
}

/** A fence closes on a line of at least as many of its characters and nothing else. */
function closesFence(line: string, fence: OpenFence): boolean {
  const body = line.replace(/^(?:[ \t]*>)*[ \t]*/, "").trimEnd();
  return body.length >= fence.length && [...body].every((c) => c === fence.char);
}

/**
 * Whether a line after a blank line starts a new block. Only lists and indented code continue
 * across a blank line, with an indented line or (lists) another item; `complete` says whether the
 * line is whole — a partial `1` may still become the item `1. `, so it is undecided (false).
 */
function startsNewBlock(line: string, continuable: boolean, complete: boolean): boolean {
  if (!continuable) return true;
  if (/^[ \t]/.test(line)) return false;
  if (LIST_MARKER.test(line)) return false;
  return complete || !MAYBE_LIST_MARKER.test(line);
}
