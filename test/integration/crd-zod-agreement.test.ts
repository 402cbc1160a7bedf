import fc from 'fast-check';
import { validatePacingCluster, validatePacingTarget } from '../../src/api/index.js';
import { createTestNamespace, runKubectl } from '../support/kubectl-runner.js';
import {
  aClusterSpec,
  aPacingCluster,
  aPacingTarget,
  aTargetSpec,
  withField,
} from '../support/pacing-manifests.js';

// Values near every rule's edges, valid and invalid, so random combinations probe where zod and CEL could drift.
const durations = [
  '5s',
  '1s',
  '5m',
  '300000ms',
  '1m30s',
  '999ms',
  '5m1s',
  '0s',
  '1h',
  '5 s',
  '1.5s',
  '',
  '-1s',
  '00005s',
];
const urls = [
  'https://engage.example.com/api',
  'http://127.0.0.1:18081',
  'http://localhost',
  'http://[::1]:8080',
  'http://example.com',
  'HTTP://127.0.0.1',
  'http://LOCALHOST',
  'http://127.1',
  'http://localhost.',
  'https://user:secret@host.example.com/p',
  'ftp://files.example.com',
  'not a url',
  'https://',
  '/relative/path',
  'http://exa mple.com',
];
const goals = [0, 3, 100, 100.5, -0.1, 50.25];
const media = ['chat', 'voice', 'video-2', 'a_b', 'Chat', 'chat voice', '', '1chat'];
const groups = [
  [{ name: 'g', agents: ['a'] }],
  [{ name: 'g', skillExpression: 'Spanish > 5' }],
  [{ name: 'g', agents: ['a'], skillExpression: 'x > 1' }],
  [{ name: 'g' }],
  [
    { name: 'g', agents: ['a'] },
    { name: 'g', agents: ['b'] },
  ],
  [{ name: '', agents: ['a'] }],
  [],
];

describe('zod and the API server agree on random specs near every rule edge', () => {
  let ns = '';
  beforeAll(() => {
    ns = createTestNamespace('crd-agreement');
  });

  const serverAccepts = (manifest: Record<string, unknown>): boolean => {
    const run = runKubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(manifest));
    if (run.status !== 0 && !run.stderr.includes('is invalid')) throw new Error(run.stderr);
    return run.status === 0;
  };

  const edgeCases: [string, 'PacingCluster' | 'PacingTarget', string, unknown][] = [
    ...durations.map((v) => ['refreshPeriod', 'PacingCluster', 'refreshPeriod', v] as const),
    ...urls.map(
      (v) => ['engagement.baseServiceURL', 'PacingCluster', 'engagement.baseServiceURL', v] as const,
    ),
    ...urls.map((v) => ['statsSource.url', 'PacingCluster', 'statsSource.url', v] as const),
    ...goals.map((v) => ['optimizationGoal', 'PacingCluster', 'optimizationGoal', v] as const),
    ...media.map((v) => ['virtualQueue.media', 'PacingTarget', 'virtualQueue.media', v] as const),
    ...groups.map((v) => ['agentGroups', 'PacingTarget', 'agentGroups', v] as const),
  ].map(([name, kind, path, value]) => [`${name} = ${JSON.stringify(value)}`, kind, path, value]);

  it.each(edgeCases)('gives one verdict on %s alone', (_name, kind, path, value) => {
    const manifest =
      kind === 'PacingCluster'
        ? aPacingCluster(withField(aClusterSpec(), path, value), 'edge', ns)
        : aPacingTarget(withField(aTargetSpec(), path, value), 'edge', ns);
    const zod = kind === 'PacingCluster' ? validatePacingCluster(manifest) : validatePacingTarget(manifest);
    expect(zod.isValid || zod.reason === 'InvalidSkillExpression').toBe(serverAccepts(manifest));
  });

  it('accepts a PacingCluster spec on one side exactly when the other side does', () => {
    const spec = fc
      .record({
        refreshPeriod: fc.constantFrom(...durations),
        timeout: fc.constantFrom(...durations),
        baseAuthURL: fc.constantFrom(...urls),
        baseServiceURL: fc.constantFrom(...urls),
        statsUrl: fc.constantFrom(...urls),
        goal: fc.constantFrom(...goals),
      })
      .map((v) => {
        let s = withField(aClusterSpec(), 'refreshPeriod', v.refreshPeriod);
        s = withField(s, 'engagement.timeout', v.timeout);
        s = withField(s, 'engagement.baseAuthURL', v.baseAuthURL);
        s = withField(s, 'engagement.baseServiceURL', v.baseServiceURL);
        s = withField(s, 'statsSource.url', v.statsUrl);
        return withField(s, 'optimizationGoal', v.goal);
      });
    fc.assert(
      fc.property(spec, (s) => {
        const manifest = aPacingCluster(s, 'agreement', ns);
        expect({ spec: s, zod: validatePacingCluster(manifest).isValid }).toEqual({
          spec: s,
          zod: serverAccepts(manifest),
        });
      }),
      { numRuns: 60 },
    );
  });

  it('accepts a PacingTarget spec on one side exactly when the other side does', () => {
    const spec = fc
      .record({
        media: fc.constantFrom(...media),
        groups: fc.constantFrom(...groups),
        goal: fc.constantFrom(...goals),
      })
      .map((v) => {
        let s = withField(aTargetSpec(), 'virtualQueue.media', v.media);
        s = withField(s, 'agentGroups', v.groups);
        return withField(s, 'optimizationGoal', v.goal);
      });
    fc.assert(
      fc.property(spec, (s) => {
        const manifest = aPacingTarget(s, 'agreement', ns);
        const zod = validatePacingTarget(manifest);
        // Skill-expression syntax is the operator's check only; the schema verdict is what must agree.
        const zodSchemaAccepts = zod.isValid || zod.reason === 'InvalidSkillExpression';
        expect({ spec: s, zod: zodSchemaAccepts }).toEqual({ spec: s, zod: serverAccepts(manifest) });
      }),
      { numRuns: 40 },
    );
  });
});
