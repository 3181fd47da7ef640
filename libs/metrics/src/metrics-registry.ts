import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/**
 * The registry of this process: the default process metrics (`process_*`, `nodejs_*`) and every `vigil_*` metric
 * its code declares. One per process, like the logger: a metric declared twice (two modules, a test that loads a
 * file again) is the same metric, never a second one under the same name.
 */
export const metricsRegistry = new Registry();

let processMetrics = false;

/** Starts the default process metrics (CPU, memory, event loop lag, GC, handles); once per process. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The exposition of every metric of this process, in Prometheus' text format. */
export async function renderMetrics(registry: Registry = metricsRegistry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** A counter of this process's registry (the one already declared under that name, if any). */
export function counter<L extends string = never>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return (metricsRegistry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter<L>({ ...config, registers: [metricsRegistry] });
}

/** A gauge of this process's registry (the one already declared under that name, if any). */
export function gauge<L extends string = never>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return (metricsRegistry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge<L>({ ...config, registers: [metricsRegistry] });
}

/** A histogram of this process's registry (the one already declared under that name, if any). */
export function histogram<L extends string = never>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return (metricsRegistry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram<L>({ ...config, registers: [metricsRegistry] });
}

/** Label values a metric may take: for each label, the whole fixed set (never a monitor, a slug, a project or a key). */
export type FixedLabels<L extends string> = { readonly [K in L]: readonly string[] };

/** One value per label, each from its fixed set. */
export type LabelValues<S extends FixedLabels<string>> = { [K in keyof S]: S[K][number] };

/**
 * A counter whose labels take values from fixed sets only, checked by the compiler. Every combination is exported
 * from the start (at 0), so `increase()` and `rate()` see the first event of a series, and the number of series
 * is known when the process starts: it never grows with users. Counting is an array increment (tens of
 * nanoseconds, on ingest's hot path); prom-client reads the counts when Prometheus scrapes.
 */
export class FixedCounter<S extends FixedLabels<string>> {
  private readonly names: Array<keyof S & string>;
  /** Per label, value → its index; the combination's index is the mixed-radix number of those. */
  private readonly indexes: Array<Map<string, number>>;
  private readonly strides: number[];
  private readonly counts: Float64Array;

  constructor(name: string, help: string, sets: S) {
    this.names = Object.keys(sets);
    this.indexes = this.names.map((label) => new Map(sets[label]!.map((value, index) => [value, index])));
    this.strides = [];
    let size = 1;
    for (let i = this.names.length - 1; i >= 0; i -= 1) {
      this.strides[i] = size;
      size *= sets[this.names[i]!]!.length;
    }
    const counts = new Float64Array(size);
    this.counts = counts;
    const all = combinations(sets);
    counter<keyof S & string>({
      name,
      help,
      labelNames: this.names,
      collect() {
        this.reset();
        all.forEach((values, index) => this.inc(values as Partial<Record<keyof S & string, string>>, counts[index]));
      },
    });
  }

  inc(labels: LabelValues<S>, value = 1): void {
    let index = 0;
    for (let i = 0; i < this.names.length; i += 1) {
      const at = this.indexes[i]!.get(labels[this.names[i]!]);
      if (at === undefined) return;
      index += at * this.strides[i]!;
    }
    this.counts[index]! += value;
  }
}

function combinations(sets: FixedLabels<string>): Array<Record<string, string>> {
  let result: Array<Record<string, string>> = [{}];
  for (const [name, values] of Object.entries(sets)) {
    result = result.flatMap((partial) => values.map((value) => ({ ...partial, [name]: value })));
  }
  return result;
}

/**
 * A gauge without labels whose value is read when Prometheus scrapes, and which is absent from a scrape when there
 * is no value: `read` returns null (nothing to tell yet), throws, or takes longer than `timeoutMs` (a store that does
 * not answer). Never a made-up 0, and never a failed scrape. (A plain prom-client gauge without labels always
 * reports a value, 0 after a reset.)
 */
export function optionalGauge(config: { name: string; help: string; read: () => number | null | Promise<number | null>; timeoutMs?: number }): Gauge {
  const existing = metricsRegistry.getSingleMetric(config.name) as Gauge | undefined;
  if (existing) return existing;
  const timeoutMs = config.timeoutMs ?? 2000;
  let known = false;
  class OptionalGauge extends Gauge {
    override async get(): Promise<MetricObjectWithValues<MetricValue<string>>> {
      const metric = await super.get();
      return known ? metric : { ...metric, values: [] };
    }
  }
  return new OptionalGauge({
    name: config.name,
    help: config.help,
    registers: [metricsRegistry],
    async collect() {
      known = false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const value = await Promise.race([
          Promise.resolve(config.read()),
          new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
          }),
        ]);
        if (value !== null) {
          this.set(value);
          known = true;
        }
      } catch {
        // absent from this scrape
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
