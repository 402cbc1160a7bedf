import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/control-plane-paths.js';
import { chartDir } from '../../support/helm-binary.js';

// Helm cannot read files outside the chart, so the chart embeds copies of the generated CRDs and of the
// Prometheus alert rules. These tests fail as soon as a copy drifts; `bash charts/sync-chart-files.sh` fixes it.

const yamlFilesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];

describe('files the Helm chart embeds', () => {
  const sourceCrds = path.join(repoRoot, 'crds');
  const chartCrds = path.join(chartDir, 'files/crds');

  it('embeds exactly the CRD files that crds/ holds', () => {
    expect(yamlFilesIn(sourceCrds).length).toBeGreaterThan(0);
    expect(yamlFilesIn(chartCrds)).toEqual(yamlFilesIn(sourceCrds));
  });

  it('embeds every CRD file of crds/ byte for byte', () => {
    for (const file of yamlFilesIn(sourceCrds)) {
      const copy = path.join(chartCrds, file);
      expect([file, existsSync(copy) && readFileSync(copy, 'utf8')]).toEqual([
        file,
        readFileSync(path.join(sourceCrds, file), 'utf8'),
      ]);
    }
  });

  it('embeds deploy/prometheus/alerts.yaml byte for byte as the PrometheusRule groups', () => {
    const source = path.join(repoRoot, 'deploy/prometheus/alerts.yaml');
    expect(existsSync(source)).toBe(true);
    expect(readFileSync(path.join(chartDir, 'files/alerts.yaml'), 'utf8')).toBe(readFileSync(source, 'utf8'));
  });
});
