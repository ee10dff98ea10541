/**
 * Prometheus metrics: counters, gauges and histograms with labels, rendered
 * in the text exposition format. Hand-written because the needs are small
 * and the hot path must pay only a map lookup and an addition per update.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return "";
  const keys = Object.keys(labels);
  // Every call updates several series: sort only when the order can differ.
  if (keys.length > 1) keys.sort();
  let out = "";
  for (const k of keys) out += `${out ? "," : ""}${k}="${escape(labels[k]!)}"`;
  return out;
}

const NEEDS_ESCAPE = /[\\"\n]/;

function escape(value: string): string {
  // Label values are API ids and status codes: almost never anything to escape.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

interface Metric {
  name: string;
  help: string;
  render(): string;
}

/** One labelled series of a counter, for callers that update it often: no label key is built per update. */
export interface CounterSeries {
  inc(by?: number): void;
}

export class Counter implements Metric {
  readonly name: string;
  readonly help: string;
  #values = new Map<string, { value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(labels?: Labels, by = 1): void {
    this.#cell(labelKey(labels)).value += by;
  }

  /** The series for `labels`, to keep and update without building its key again. */
  series(labels?: Labels): CounterSeries {
    const cell = this.#cell(labelKey(labels));
    return {
      inc(by = 1) {
        cell.value += by;
      },
    };
  }

  get(labels?: Labels): number {
    return this.#values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    if (this.#values.size === 0) out += `${this.name} 0\n`;
    for (const [k, v] of this.#values) out += `${this.name}${k ? `{${k}}` : ""} ${v.value}\n`;
    return out;
  }

  #cell(key: string): { value: number } {
    let cell = this.#values.get(key);
    if (cell === undefined) this.#values.set(key, (cell = { value: 0 }));
    return cell;
  }
}

/** A gauge whose value is read when scraped. */
export class Gauge implements Metric {
  readonly name: string;
  readonly help: string;
  #read: () => Array<[Labels | undefined, number]>;

  constructor(name: string, help: string, read: () => Array<[Labels | undefined, number]> | number) {
    this.name = name;
    this.help = help;
    this.#read = () => {
      const v = read();
      return typeof v === "number" ? [[undefined, v]] : v;
    };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    for (const [labels, v] of this.#read()) {
      const k = labelKey(labels);
      out += `${this.name}${k ? `{${k}}` : ""} ${v}\n`;
    }
    return out;
  }
}

interface Series {
  counts: number[];
  sum: number;
  count: number;
}

/** One labelled series of a histogram (see CounterSeries). */
export interface HistogramSeries {
  observe(value: number): void;
}

export class Histogram implements Metric {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  #series = new Map<string, Series>();

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }

  observe(value: number, labels?: Labels): void {
    this.#observe(this.#seriesOf(labelKey(labels)), value);
  }

  /** The series for `labels`, to keep and observe without building its key again. */
  series(labels?: Labels): HistogramSeries {
    const s = this.#seriesOf(labelKey(labels));
    return { observe: (value) => this.#observe(s, value) };
  }

  #seriesOf(key: string): Series {
    let s = this.#series.get(key);
    if (!s) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    return s;
  }

  #observe(s: Series, value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    if (i < this.buckets.length) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const [k, s] of this.#series) {
      let cumulative = 0;
      const sep = k ? "," : "";
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i]!;
        out += `${this.name}_bucket{${k}${sep}le="${le}"} ${cumulative}\n`;
      });
      out += `${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}\n`;
      out += `${this.name}_sum${k ? `{${k}}` : ""} ${s.sum}\n`;
      out += `${this.name}_count${k ? `{${k}}` : ""} ${s.count}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  #metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  gauge(name: string, help: string, read: () => Array<[Labels | undefined, number]> | number): Gauge {
    return this.#add(new Gauge(name, help, read));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  render(): string {
    return [...this.#metrics.values()].map((m) => m.render()).join("");
  }

  #add<T extends Metric>(metric: T): T {
    const existing = this.#metrics.get(metric.name);
    if (existing) return existing as T;
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

/** Seconds, for request latency. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
