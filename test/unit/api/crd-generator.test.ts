import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  buildPacingCrds,
  crdFileName,
  renderCrdReference,
  renderCrdYaml,
  type CustomResourceDefinition,
} from '../../../src/api/index.js';
import { repoRoot } from '../../support/control-plane-paths.js';

const crds = buildPacingCrds();
const byKind = (kind: string): CustomResourceDefinition =>
  crds.find((crd) => (crd.spec.names as { kind: string }).kind === kind)!;

describe('buildPacingCrds', () => {
  it.each(crds.map((crd) => [crdFileName(crd), crd] as const))(
    'matches the committed crds/%s (run `make crds` when this fails)',
    (fileName, crd) => {
      const committed = readFileSync(path.join(repoRoot, 'crds', fileName), 'utf8');
      expect(committed).toBe(renderCrdYaml(crd));
    },
  );

  it('matches the committed docs/crd-reference.md (run `make crds` when this fails)', () => {
    expect(readFileSync(path.join(repoRoot, 'docs/crd-reference.md'), 'utf8')).toBe(renderCrdReference(crds));
  });

  it('names the files kubebuilder style', () => {
    expect(crds.map(crdFileName).sort()).toEqual([
      'pacing.agentpacing.dev_pacingclusters.yaml',
      'pacing.agentpacing.dev_pacingtargets.yaml',
    ]);
  });

  it.each([
    ['PacingCluster', 'pcl'],
    ['PacingTarget', 'pt'],
  ])(
    'gives %s its short name %s, the pacing category, the part-of label and a status subresource',
    (kind, short) => {
      const crd = byKind(kind);
      expect(crd.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'agent-pacing-operator' });
      expect(crd.spec).toMatchObject({
        group: 'pacing.agentpacing.dev',
        scope: 'Namespaced',
        names: { shortNames: [short], categories: ['pacing'] },
        versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
      });
    },
  );

  it('writes YAML that parses back to the CRD object', () => {
    for (const crd of crds) expect(parse(renderCrdYaml(crd))).toEqual(crd);
  });

  it('puts schema defaults where the API server applies them', () => {
    const schema = (
      byKind('PacingCluster').spec.versions as {
        schema: { openAPIV3Schema: { properties: { spec: unknown } } };
      }[]
    )[0]!.schema.openAPIV3Schema.properties.spec as { properties: Record<string, { default?: unknown }> };
    expect(schema.properties.refreshPeriod?.default).toBe('5s');
    expect(schema.properties.optimizationGoal?.default).toBe(3);
    expect(schema.properties.policy?.default).toBe('adaptive');
    expect(schema.properties.alarms?.default).toEqual({});
  });

  it('shows the target columns the issue asks for', () => {
    const columns = (
      byKind('PacingTarget').spec.versions as { additionalPrinterColumns: { name: string }[] }[]
    )[0]!.additionalPrinterColumns.map((column) => column.name);
    expect(columns).toEqual(expect.arrayContaining(['Media', 'Goal', 'Invites', 'Free', 'Abandon %', 'Age']));
  });
});
