/** Splits text the way a model streams it: small pieces cut at pseudo-random points. */

const MIN_TOKEN = 1;
const MAX_TOKEN = 6;

/** A 32-bit seed from a string (FNV-1a), so equal requests get equal splits. */
export function seedFrom(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cuts text into tokens of 1–6 code points, mid-word included. Cuts fall between code points,
 * so a surrogate pair is never split. Walks the code units rather than an array of code points:
 * this runs on every scripted reply.
 */
export function splitTokens(text: string, seed: number): string[] {
  const random = mulberry32(seed);
  const tokens: string[] = [];
  for (let start = 0; start < text.length;) {
    let points = MIN_TOKEN + Math.floor(random() * (MAX_TOKEN - MIN_TOKEN + 1));
    let end = start;
    for (; points > 0 && end < text.length; points--) end += isPairAt(text, end) ? 2 : 1;
    tokens.push(text.slice(start, end));
    start = end;
  }
  return tokens;
}

/** Whether a surrogate pair (one code point) starts at `index`. */
function isPairAt(text: string, index: number): boolean {
  const high = text.charCodeAt(index);
  const low = text.charCodeAt(index + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
