import { validatePacingCluster, validatePacingTarget } from '../../../src/api/index.js';
import { readExampleManifests } from '../../support/example-manifests.js';

const manifests = readExampleManifests();
const ofKind = (kind: string) => manifests.filter((m) => m.object.kind === kind);

describe('deploy/examples', () => {
  it('holds the demo tenant: a namespace, the credentials Secret, one PacingCluster and two PacingTargets', () => {
    expect(manifests.map((m) => m.object.kind)).toEqual([
      'Namespace',
      'Secret',
      'PacingCluster',
      'PacingTarget',
      'PacingTarget',
    ]);
  });

  it.each(ofKind('PacingCluster').map((m) => [m.file, m] as const))(
    '%s is a valid PacingCluster',
    (_file, m) => {
      expect(validatePacingCluster(m.object)).toMatchObject({ isValid: true });
    },
  );

  it.each(ofKind('PacingTarget').map((m) => [m.file, m] as const))(
    '%s is a valid PacingTarget whose skill expressions parse',
    (_file, m) => {
      expect(validatePacingTarget(m.object)).toMatchObject({ isValid: true });
    },
  );

  it('shares the blended group between the chat and the voice target and has a Spanish virtual group', () => {
    const groups = ofKind('PacingTarget').map((m) => {
      const result = validatePacingTarget(m.object);
      return result.isValid ? result.agentGroups : [];
    });
    const names = groups.map((list) => list.map((g) => g.name));
    expect(names.every((list) => list.includes('Blended Agents'))).toBe(true);
    expect(groups.flat()).toContainEqual(
      expect.objectContaining({ kind: 'skillExpression', skillExpression: 'Spanish > 5' }),
    );
  });

  it('keeps every namespaced object in the demo namespace and points the credentials at a Secret holding both keys', () => {
    const namespaced = manifests.filter((m) => m.object.kind !== 'Namespace');
    expect(new Set(namespaced.map((m) => m.object.metadata.namespace))).toEqual(new Set(['pacing-demo']));
    const secret = ofKind('Secret')[0]!.object as unknown as {
      stringData: Record<string, string>;
      metadata: { name: string };
    };
    expect(Object.keys(secret.stringData).sort()).toEqual(['client_id', 'client_secret']);
    const cluster = validatePacingCluster(ofKind('PacingCluster')[0]!.object);
    expect(cluster.isValid && cluster.cluster.spec.engagement.credentialsSecretRef.name).toBe(
      secret.metadata.name,
    );
  });
});
