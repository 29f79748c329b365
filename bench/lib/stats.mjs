// Summary statistics shared by the Deno load client and the Node orchestrators (plain ES module, no deps).

/** Value at quantile `q` (0–1) of an ascending-sorted array, by the nearest-rank method; NaN when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** p50/p90/p99/max/mean/count of a list of numbers (the input is not modified). */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** A growable Float64 list, so hundreds of thousands of samples cost no per-sample allocation. */
export class Samples {
  #data = new Float64Array(1024);
  #length = 0;

  /** Appends one value. */
  push(value) {
    if (this.#length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  /** Number of values. */
  get length() {
    return this.#length;
  }

  /** The values as a typed array view. */
  values() {
    return this.#data.subarray(0, this.#length);
  }
}

/** Rounds for display: 3 significant decimals below 10, 1 below 1000, none above. */
export function round(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value);
  if (abs >= 10) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}
