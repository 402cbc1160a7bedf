import { pacingClusterSchema, pacingTargetSchema } from '../../src/api/index.js';
import { readExampleManifests } from '../support/example-manifests.js';
import { createTestNamespace, kubectlOk } from '../support/kubectl-runner.js';
import { aClusterSpec, aPacingCluster, aPacingTarget, aTargetSpec } from '../support/pacing-manifests.js';

type Stored = { spec: unknown; metadata: { name: string } };

describe('the zod schemas and the API server agree on every stored object', () => {
  let ns = '';
  beforeAll(() => {
    ns = createTestNamespace('crd-round-trip');
  });

  const store = (manifest: Record<string, unknown>): Stored => {
    const copy = structuredClone(manifest) as { metadata: { namespace?: string } };
    copy.metadata.namespace = ns;
    return JSON.parse(kubectlOk(['create', '-f', '-', '-o', 'json'], JSON.stringify(copy))) as Stored;
  };

  const pacingExamples = readExampleManifests().filter((m) => m.object.kind.startsWith('Pacing'));

  it.each(pacingExamples.map((m) => [m.file, m] as const))(
    'parses %s with zod to the spec the API server stores, defaults included',
    (_file, m) => {
      const schema = m.object.kind === 'PacingCluster' ? pacingClusterSchema : pacingTargetSchema;
      const stored = store(m.object);
      expect(schema.parse(m.object).spec).toEqual(stored.spec);
      // And the stored object itself is valid for the operator.
      expect(schema.parse(stored).spec).toEqual(stored.spec);
    },
  );

  it.each([
    ['a minimal PacingCluster', aPacingCluster(aClusterSpec(), 'minimal')],
    ['a minimal PacingTarget', aPacingTarget(aTargetSpec(), 'minimal')],
  ])('fills in the same defaults as zod for %s', (_name, manifest) => {
    const schema = manifest.kind === 'PacingCluster' ? pacingClusterSchema : pacingTargetSchema;
    const stored = store(manifest);
    expect(stored.spec).toEqual(schema.parse(manifest).spec);
    expect(stored.spec).not.toEqual(manifest.spec);
  });
});
