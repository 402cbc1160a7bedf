import { validatePacingCluster, validatePacingTarget } from '../../../src/api/index.js';
import { aPacingCluster, aPacingTarget, badManifests } from '../../support/pacing-manifests.js';

describe('the zod schemas refuse every bad manifest the CRD refuses', () => {
  it('has a table of at least 25 bad manifests', () => {
    expect(badManifests.length).toBeGreaterThanOrEqual(25);
  });

  it.each(badManifests.map((bad) => [bad.name, bad] as const))(
    'refuses %s, naming the field',
    (_name, bad) => {
      const result =
        bad.kind === 'PacingCluster'
          ? validatePacingCluster(aPacingCluster(bad.spec))
          : validatePacingTarget(aPacingTarget(bad.spec));
      expect(result.isValid).toBe(false);
      if (result.isValid) return;
      expect(result.reason).toBe('InvalidSpec');
      expect(result.message).toContain(bad.field);
    },
  );
});
