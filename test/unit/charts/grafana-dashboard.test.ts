import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { AlarmMetricsSink } from '../../../src/alarms/index.js';
import { PacingMetrics } from '../../../src/metrics/index.js';
import { chartDir } from '../../support/helm-binary.js';

// The dashboard the chart ships must query metrics the operator really exports, with the labels it really
// sets, or its panels stay empty without anyone noticing.

interface Dashboard {
  readonly panels: { readonly title: string; readonly targets: { readonly expr: string }[] }[];
  readonly templating: { readonly list: { readonly name: string; readonly definition?: string }[] };
}

const dashboard = JSON.parse(readFileSync(path.join(chartDir, 'files/dashboard.json'), 'utf8')) as Dashboard;
const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
const queriedMetrics = [...new Set(queries.flatMap((q) => q.match(/\bpacing_[a-z_]+/g) ?? []))]
  .map((name) => name.replace(/_bucket$/, ''))
  .sort();

function exportedMetrics(): Map<string, string[]> {
  const registry = new Registry();
  new PacingMetrics(registry);
  new AlarmMetricsSink(registry);
  return new Map(
    registry.getMetricsAsArray().map((m) => {
      const labels = (m as unknown as { labelNames?: string[] }).labelNames ?? [];
      return [m.name, labels];
    }),
  );
}

describe('the Grafana dashboard of the chart', () => {
  it('has a panel for invitations, free slots, abandonment, occupancy, cycle time and alarms', () => {
    expect(queriedMetrics).toEqual(
      expect.arrayContaining([
        'pacing_invites_allowed',
        'pacing_free_slots',
        'pacing_abandonment_ratio',
        'pacing_occupancy_ratio',
        'pacing_cycle_duration_seconds',
        'pacing_alarm_active',
      ]),
    );
  });

  it.each(queriedMetrics)('queries %s, which the operator exports with a cluster label', (metric) => {
    const labels = exportedMetrics().get(metric);
    expect(labels).toBeDefined();
    expect(labels).toContain('cluster');
  });

  it('groups by labels the metrics carry', () => {
    const exported = exportedMetrics();
    for (const query of queries) {
      const metric = (query.match(/\bpacing_[a-z_]+/) ?? [''])[0].replace(/_bucket$/, '');
      const labels = [...(exported.get(metric) ?? []), 'le'];
      const grouped = (/by \(([^)]*)\)/.exec(query)?.[1] ?? '').split(',').map((l) => l.trim());
      for (const label of grouped.filter((l) => l !== ''))
        expect([query, labels]).toEqual([query, expect.arrayContaining([label])]);
    }
  });

  it('offers a cluster variable read from the metrics', () => {
    const cluster = dashboard.templating.list.find((v) => v.name === 'cluster');
    expect(cluster?.definition).toBe('label_values(pacing_invites_allowed, cluster)');
  });
});
