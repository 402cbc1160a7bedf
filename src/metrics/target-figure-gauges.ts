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

/** Splits a row's group into labels, given the member: e.g. a PacingCluster key and a PacingTarget name. */
export type TargetLabelsOf = (group: string, target: string) => TargetSeriesLabels;

/**
 * Per-target gauges that cost one Map entry per target instead of one prom-client series per target and family:
 * a cycle stores each target's figures once, and the families are rendered from them when /metrics is scraped.
 * At 10,000 targets and seven families, prom-client's own gauges kept 70,000 labelled series and hashed their
 * labels seven times per target per cycle, which was a large share of the operator's memory and cycle work.
 * Rows are found by group, then target (no key string built per target per cycle); labels are built once a row.
 */
export class TargetFigureGauges<F> {
  readonly #groups = new Map<string, Map<string, Row<F>>>();
  readonly #labelsOf: TargetLabelsOf;
  #size = 0;

  /** Registers every family on `registry` (throws if one is already registered there). */
  constructor(registry: Registry, specs: readonly TargetGaugeSpec<F>[], labelsOf: TargetLabelsOf) {
    this.#labelsOf = labelsOf;
    for (const spec of specs) registry.registerMetric(this.#family(spec) as never);
  }

  /** Stores a target's figures (replacing the previous ones). */
  set(group: string, target: string, figures: F): void {
    let rows = this.#groups.get(group);
    if (rows === undefined) this.#groups.set(group, (rows = new Map()));
    const row = rows.get(target);
    if (row !== undefined) {
      row.figures = figures;
      return;
    }
    rows.set(target, { labels: this.#labelsOf(group, target), figures });
    this.#size += 1;
  }

  /** Drops a target's series from every family. */
  remove(group: string, target: string): void {
    const rows = this.#groups.get(group);
    if (rows === undefined || !rows.delete(target)) return;
    this.#size -= 1;
    if (rows.size === 0) this.#groups.delete(group);
  }

  /** Number of targets with stored figures. */
  get size(): number {
    return this.#size;
  }

  // The shape prom-client's Registry reads: name, help, type and get() returning the values.
  #family(spec: TargetGaugeSpec<F>) {
    const groups = this.#groups;
    return {
      name: spec.name,
      help: spec.help,
      type: 'gauge' as const,
      aggregator: 'sum' as const,
      labelNames: TARGET_SERIES_LABEL_NAMES,
      get: () => {
        const values: MetricValue<string>[] = [];
        for (const rows of groups.values()) {
          for (const { labels, figures } of rows.values()) {
            const value = spec.valueOf(figures);
            if (value !== undefined && Number.isFinite(value))
              values.push({ labels: labels as never, value });
          }
        }
        return { name: spec.name, help: spec.help, type: 'gauge', aggregator: 'sum', values };
      },
      reset: () => {
        groups.clear();
        this.#size = 0;
      },
    };
  }
}
