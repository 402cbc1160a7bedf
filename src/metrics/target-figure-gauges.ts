import type { MetricValue, Registry } from 'prom-client';

/** Labels of every per-target series. */
export interface TargetSeriesLabels {
  readonly namespace: string;
  readonly cluster: string;
  readonly target: string;
}

/** The label names of every per-target series (as prom-client metrics expose them in `labelNames`). */
const TARGET_SERIES_LABEL_NAMES: readonly (keyof TargetSeriesLabels)[] = ['namespace', 'cluster', 'target'];

/** One gauge family read from the stored figures at scrape time. */
export interface TargetGaugeSpec<F> {
  readonly name: string;
  readonly help: string;
  /** The value of a target's series; undefined or not finite: the target has no series in this family. */
  readonly valueOf: (figures: F) => number | undefined;
}

interface Row<F> {
  readonly labels: TargetSeriesLabels;
  figures: F;
}

/**
 * Per-target gauges that cost one Map entry per target instead of one prom-client series per target and family:
 * a cycle stores each target's figures once, and the families are rendered from them when /metrics is scraped.
 * At 10,000 targets and seven families, prom-client's own gauges kept 70,000 labelled series and hashed their
 * labels seven times per target per cycle, which was a large share of the operator's memory and cycle work.
 */
export class TargetFigureGauges<F> {
  readonly #rows = new Map<string, Row<F>>();

  /** Registers every family on `registry` (throws if one is already registered there). */
  constructor(registry: Registry, specs: readonly TargetGaugeSpec<F>[]) {
    for (const spec of specs) registry.registerMetric(this.#family(spec) as never);
  }

  /** Stores a target's figures (replacing the previous ones). */
  set(labels: TargetSeriesLabels, figures: F): void {
    const key = rowKey(labels);
    const row = this.#rows.get(key);
    if (row === undefined) this.#rows.set(key, { labels, figures });
    else row.figures = figures;
  }

  /** Drops a target's series from every family. */
  remove(labels: TargetSeriesLabels): void {
    this.#rows.delete(rowKey(labels));
  }

  /** Number of targets with stored figures. */
  get size(): number {
    return this.#rows.size;
  }

  // The shape prom-client's Registry reads: name, help, type and get() returning the values.
  #family(spec: TargetGaugeSpec<F>) {
    const rows = this.#rows;
    return {
      name: spec.name,
      help: spec.help,
      type: 'gauge' as const,
      aggregator: 'sum' as const,
      labelNames: TARGET_SERIES_LABEL_NAMES,
      get: () => {
        const values: MetricValue<string>[] = [];
        for (const { labels, figures } of rows.values()) {
          const value = spec.valueOf(figures);
          if (value !== undefined && Number.isFinite(value)) values.push({ labels: labels as never, value });
        }
        return { name: spec.name, help: spec.help, type: 'gauge', aggregator: 'sum', values };
      },
      reset: () => rows.clear(),
    };
  }
}

function rowKey(labels: TargetSeriesLabels): string {
  return `${labels.namespace}/${labels.cluster}/${labels.target}`;
}
