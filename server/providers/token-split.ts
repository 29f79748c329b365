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
 * so a surrogate pair is never split.
 */
export function splitTokens(text: string, seed: number): string[] {
  const random = mulberry32(seed);
  const points = Array.from(text);
  const tokens: string[] = [];
  for (let i = 0; i < points.length;) {
    const size = MIN_TOKEN + Math.floor(random() * (MAX_TOKEN - MIN_TOKEN + 1));
    tokens.push(points.slice(i, i + size).join(""));
    i += size;
  }
  return tokens;
}
