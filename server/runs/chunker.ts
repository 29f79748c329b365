/**
 * The word-level chunker (DESIGN.md §3). Pure: given the text not yet sent, it says which chunks
 * can go now and what must wait. Every chunk is 5–10 UTF-16 code units, ending after whitespace
 * where a boundary falls in that range; when none does, the next word is split to fill the chunk
 * (so a word longer than 10 is split too). Shorter chunks come only at the end of a stage or as
 * the last chunk of an idle flush. Chunks never split a grapheme cluster (so never a surrogate
 * pair), which allows one exception: when a grapheme cluster of 7 or more code units straddles
 * 5–10, no cut in that range exists, so the chunk before it is shorter and a single grapheme
 * longer than 10 goes out whole.
 */

/** Chunks hold at least this many code units, but at the end of a stage or an idle flush. */
const MIN_CHUNK = 5;
/** Chunks hold at most this many code units. */
export const MAX_CHUNK = 10;

/**
 * Why chunks are taken: `more` while text keeps arriving (hold back what a later delta could
 * improve), `idle` when the provider has been quiet for FLUSH_MS (send all that is whole), `end`
 * when the stage is over (send everything).
 */
export type ChunkMode = "more" | "idle" | "end";

/** Chunks ready to send and the text still held back. */
export interface ChunkResult {
  chunks: string[];
  rest: string;
}

// Graphemes are looked for in a window: a chunk never needs more than MAX_CHUNK code units, and
// the margin lets the segmenter see what follows the last grapheme that may be used.
const WINDOW = MAX_CHUNK * 4;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// Code units that are each a grapheme of their own and never join the one before or after
// (UAX #29: no Extend, ZWJ, SpacingMark, Prepend, surrogate, Hangul or CR): ASCII without CR,
// Latin-1 to Spacing Modifier Letters, Greek, and the punctuation, currency, letterlike, arrow
// and math blocks — where the text starts with such units the segmenter, the chunker's main cost,
// can be skipped. The set is checked against Intl.Segmenter by chunker_test.ts.
export const SINGLE_UNIT_GRAPHEMES =
  // deno-lint-ignore no-control-regex -- control characters are part of the set on purpose
  /^[\x00-\x0C\x0E-\x7F\u00A0-\u02FF\u0370-\u03FF\u2010-\u2027\u2030-\u205F\u2070-\u20CF\u2100-\u23FF]*$/;
// The code units that decide the next chunk: its at most MAX_CHUNK, and the one after the last of
// them, which settles it, and one more to know that more than MAX_CHUNK is settled.
const HEAD = MAX_CHUNK + 2;
const WHITESPACE = /^\s/;

/** Splits pending text into the chunks that can be sent in this mode. */
export function takeChunks(pending: string, mode: ChunkMode): ChunkResult {
  const chunks: string[] = [];
  let rest = pending;
  for (let size = nextChunkSize(rest, mode); size > 0; size = nextChunkSize(rest, mode)) {
    chunks.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return { chunks, rest };
}

/** Length of the next chunk, or 0 when nothing should be sent yet. */
function nextChunkSize(text: string, mode: ChunkMode): number {
  const head = text.slice(0, HEAD);
  if (SINGLE_UNIT_GRAPHEMES.test(head)) {
    // Each unit of the head but its last is a grapheme settled by its successor, so beyond the
    // head more than MAX_CHUNK is settled; a text no longer than the head is all single units.
    const settled = head.length < text.length
      ? MAX_CHUNK + 1
      : lastGraphemeSettled(text, text, mode)
      ? text.length
      : text.length - 1;
    return nextSingleUnitChunkSize(text, settled, mode);
  }
  const window = text.slice(0, WINDOW);
  const ends = settledGraphemeEnds(text, window, mode);
  if (ends.length === 0) return 0;
  const fitting = ends.filter((end) => end <= MAX_CHUNK);
  // A single grapheme longer than a chunk: sent whole rather than broken.
  if (fitting.length === 0) return ends[0];
  const good = fitting.filter((end) => end >= MIN_CHUNK && WHITESPACE.test(text[end - 1]));
  if (good.length > 0) return good[good.length - 1];
  const settled = ends[ends.length - 1];
  // Everything settled fits in one chunk: wait for more text unless told to flush.
  if (settled <= MAX_CHUNK) return mode === "more" ? 0 : settled;
  // More than a chunk is settled and no word boundary lands in 5–10: the next word is split so
  // the chunk is as full as the graphemes allow.
  return fitting[fitting.length - 1];
}

/**
 * `nextChunkSize` where the settled ends that matter are 1, 2 … `settled` (one code unit per
 * grapheme): the same rules without building the list, as this runs for nearly every chunk.
 */
function nextSingleUnitChunkSize(text: string, settled: number, mode: ChunkMode): number {
  if (settled <= 0) return 0;
  const fitting = Math.min(settled, MAX_CHUNK);
  for (let end = fitting; end >= MIN_CHUNK; end--) {
    if (WHITESPACE.test(text[end - 1])) return end;
  }
  if (settled <= MAX_CHUNK) return mode === "more" ? 0 : settled;
  return fitting;
}

/**
 * End offsets of the graphemes at the start of `text` (its first WINDOW code units are `window`)
 * that later text cannot change: a grapheme is settled once something follows it inside the
 * window, the last one only as `lastGraphemeSettled` says.
 */
function settledGraphemeEnds(text: string, window: string, mode: ChunkMode): number[] {
  const ends: number[] = [];
  for (const { index, segment } of segmenter.segment(window)) ends.push(index + segment.length);
  if (ends.length > 0 && !lastGraphemeSettled(text, window, mode)) ends.pop();
  return ends;
}

/**
 * Whether the last grapheme of the window is settled: only when the window is the whole text, at
 * the end of a stage, or on an idle flush unless it could still be growing (a lone high
 * surrogate or a trailing zero-width joiner).
 */
function lastGraphemeSettled(text: string, window: string, mode: ChunkMode): boolean {
  return window.length === text.length &&
    (mode === "end" || (mode === "idle" && !/[\uD800-\uDBFF\u200D]$/.test(text)));
}
