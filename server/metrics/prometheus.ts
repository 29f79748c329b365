/**
 * Prometheus metric families and their text exposition format (version 0.0.4): counters and
 * histograms with labels, and gauges read when scraped. Pure: no clock, no I/O.
 */

/** Label names to values of one series. */
export type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  lines(): string[];
}

/** A counter per label set. */
export class Counter implements Family {
  readonly type = "counter";
  readonly #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  lines(): string[] {
    if (this.#values.size === 0) return [`${this.name} 0`];
    return [...this.#values].map(([labels, value]) => `${this.name}${labels} ${value}`);
  }
}

/** A gauge whose value is read at each scrape. */
export class Gauge implements Family {
  readonly type = "gauge";
  constructor(readonly name: string, readonly help: string, readonly read: () => number) {}

  lines(): string[] {
    return [`${this.name} ${this.read()}`];
  }
}

/** A histogram per label set, over fixed upper bounds. */
export class Histogram implements Family {
  readonly type = "histogram";
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly bounds: readonly number[]) {}

  /** Records one observation. */
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    this.bounds.forEach((bound, i) => {
      if (value <= bound) series.counts[i]++;
    });
    series.sum += value;
    series.count++;
  }

  lines(): string[] {
    const lines: string[] = [];
    for (const [key, series] of this.#series) {
      const labels = key === "" ? "" : key.slice(1, -1) + ",";
      this.bounds.forEach((bound, i) => {
        lines.push(`${this.name}_bucket{${labels}le="${bound}"} ${series.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${labels}le="+Inf"} ${series.count}`);
      lines.push(
        `${this.name}_sum${key} ${series.sum}`,
        `${this.name}_count${key} ${series.count}`,
      );
    }
    return lines;
  }
}

/** The exposition of `families`, each with its HELP and TYPE lines. */
export function exposition(families: readonly Family[]): string {
  return families.flatMap((family) => [
    `# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`,
    `# TYPE ${family.name} ${family.type}`,
    ...family.lines(),
  ]).join("\n") + "\n";
}

/** The content type of the text format. */
export const EXPOSITION_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** `{a="1",b="2"}` with values escaped as the format requires, or "" without labels. */
function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) =>
    `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}
