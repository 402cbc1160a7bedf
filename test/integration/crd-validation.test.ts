import { validatePacingTarget } from '../../src/api/index.js';
import { createTestNamespace, kubectlOk, runKubectl } from '../support/kubectl-runner.js';
import {
  aClusterSpec,
  aPacingCluster,
  aPacingTarget,
  aTargetSpec,
  badManifests,
  withField,
} from '../support/pacing-manifests.js';

describe('the API server enforces the PacingCluster and PacingTarget schemas', () => {
  let ns = '';
  beforeAll(() => {
    ns = createTestNamespace('crd-validation');
  });

  const submit = (manifest: Record<string, unknown>) =>
    runKubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(manifest));

  it('accepts the minimal valid cluster and target that the bad manifests are derived from', () => {
    expect(submit(aPacingCluster(aClusterSpec(), 'tenant', ns))).toMatchObject({ status: 0 });
    expect(submit(aPacingTarget(aTargetSpec(), 'target', ns))).toMatchObject({ status: 0 });
  });

  it('has a table of at least 25 bad manifests', () => {
    expect(badManifests.length).toBeGreaterThanOrEqual(25);
  });

  it.each(badManifests.map((bad) => [bad.name, bad] as const))(
    'rejects %s with a message naming the field',
    (_name, bad) => {
      const manifest =
        bad.kind === 'PacingCluster'
          ? aPacingCluster(bad.spec, 'bad', ns)
          : aPacingTarget(bad.spec, 'bad', ns);
      const run = submit(manifest);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('is invalid');
      expect(run.stderr).toContain(bad.field);
    },
  );

  it('stores a target whose skill expression does not parse, which the operator then refuses with the position', () => {
    // The API server has no skill-expression parser: syntax is checked by the operator (Accepted=False).
    const spec = withField(aTargetSpec(), 'agentGroups', [{ name: 'Spanish', skillExpression: 'Spanish >' }]);
    kubectlOk(['create', '-f', '-'], JSON.stringify(aPacingTarget(spec, 'bad-expression', ns)));
    const stored: unknown = JSON.parse(kubectlOk(['get', 'pt', 'bad-expression', '-n', ns, '-o', 'json']));
    expect(validatePacingTarget(stored)).toEqual({
      isValid: false,
      reason: 'InvalidSkillExpression',
      field: 'spec.agentGroups[0].skillExpression',
      message:
        'spec.agentGroups[0].skillExpression: skill expression: at position 9 expected a skill level (a non-negative integer), found end of expression',
    });
  });

  it('accepts plain http for every loopback spelling and refuses it for other hosts', () => {
    for (const url of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1']) {
      const spec = withField(aClusterSpec(), 'engagement.baseServiceURL', url);
      expect(submit(aPacingCluster(spec, 'loopback', ns))).toMatchObject({ status: 0 });
    }
    const spec = withField(aClusterSpec(), 'engagement.baseServiceURL', 'http://127.0.0.2:1');
    expect(submit(aPacingCluster(spec, 'remote', ns)).stderr).toContain(
      'engagement.baseServiceURL must use https unless its host is loopback',
    );
  });
});
