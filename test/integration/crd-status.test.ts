import {
  pacingClusterStatusSchema,
  pacingTargetStatusSchema,
  setCondition,
  type Condition,
} from '../../src/api/index.js';
import { createTestNamespace, kubectlOk, runKubectl } from '../support/kubectl-runner.js';
import { aClusterSpec, aPacingCluster, aPacingTarget, aTargetSpec } from '../support/pacing-manifests.js';

const now = new Date('2026-11-25T18:30:15.250Z');

describe('statuses written with the api helpers are stored as written and shown by kubectl', () => {
  let ns = '';
  beforeAll(() => {
    ns = createTestNamespace('crd-status');
  });

  const patchStatus = (resource: string, name: string, status: unknown) =>
    runKubectl([
      'patch',
      resource,
      name,
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
  const readStatus = (resource: string, name: string): unknown =>
    (JSON.parse(kubectlOk(['get', resource, name, '-n', ns, '-o', 'json'])) as { status?: unknown }).status;

  it('stores a full PacingTarget status built with setCondition and shows it in the printer columns', () => {
    kubectlOk(['create', '-f', '-'], JSON.stringify(aPacingTarget(aTargetSpec(), 'pacing', ns)));
    let conditions: Condition[] = [];
    const context = { observedGeneration: 1, now };
    conditions = setCondition(
      conditions,
      { type: 'Accepted', status: 'True', reason: 'Valid', message: '' },
      context,
    );
    conditions = setCondition(
      conditions,
      { type: 'Ready', status: 'True', reason: 'ClusterReady', message: '' },
      context,
    );
    conditions = setCondition(
      conditions,
      { type: 'Pacing', status: 'True', reason: 'Pacing', message: '3 invitations for 4 free slots' },
      context,
    );
    const status = pacingTargetStatusSchema.parse({
      conditions,
      observedGeneration: 1,
      effectiveOptimizationGoal: 3,
      invitesPerInterval: 3,
      freeSlots: 4,
      waiting: 1,
      pendingInvitations: 2,
      observedAbandonmentPercent: 2.5,
      occupancyPercent: 87.5,
      lastUpdateTime: '2026-11-25T18:30:15Z',
    });
    expect(patchStatus('pt', 'pacing', status)).toMatchObject({ status: 0 });
    expect(readStatus('pt', 'pacing')).toEqual(status);
    const row = kubectlOk(['get', 'pt', 'pacing', '-n', ns]).split('\n')[1]!;
    expect(row.split(/\s{2,}/).slice(0, 7)).toEqual(['pacing', 'chat', '3', '3', '4', '2.5', 'True']);
  });

  it('stores a PacingCluster status with per-shard holders and shows Ready and Degraded', () => {
    kubectlOk(['create', '-f', '-'], JSON.stringify(aPacingCluster(aClusterSpec(), 'tenant', ns)));
    const context = { observedGeneration: 1, now };
    let conditions: Condition[] = [];
    conditions = setCondition(
      conditions,
      { type: 'Ready', status: 'True', reason: 'WorkerRunning', message: '' },
      context,
    );
    conditions = setCondition(
      conditions,
      { type: 'Degraded', status: 'False', reason: 'NoAlarms', message: '' },
      context,
    );
    const status = pacingClusterStatusSchema.parse({
      conditions,
      observedGeneration: 1,
      leaderIdentity: 'operator-0_1a2b',
      targetCount: 2,
      lastCycleTime: '2026-11-25T18:30:15.000Z',
      lastCycleDurationMs: 12.5,
      shards: [
        { shard: 0, holder: 'operator-0_1a2b' },
        { shard: 1, holder: 'operator-1_3c4d' },
      ],
    });
    expect(patchStatus('pcl', 'tenant', status)).toMatchObject({ status: 0 });
    expect(readStatus('pcl', 'tenant')).toEqual(status);
    const row = kubectlOk(['get', 'pcl', 'tenant', '-n', ns]).split('\n')[1]!;
    expect(row.split(/\s{2,}/).slice(0, 7)).toEqual(['tenant', 'adaptive', '5s', '3', '2', 'True', 'False']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a condition reason with a space',
      {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Not Camel',
            message: '',
            lastTransitionTime: '2026-11-25T18:00:00Z',
          },
        ],
      },
      'status.conditions[0].reason',
    ],
    [
      'a condition status outside True, False, Unknown',
      {
        conditions: [
          {
            type: 'Ready',
            status: 'Yes',
            reason: 'Valid',
            message: '',
            lastTransitionTime: '2026-11-25T18:00:00Z',
          },
        ],
      },
      'status.conditions[0].status',
    ],
    ['a negative free-slot count', { freeSlots: -1 }, 'status.freeSlots'],
    [
      'an abandonment above 100 percent',
      { observedAbandonmentPercent: 120 },
      'status.observedAbandonmentPercent',
    ],
  ])('refuses a status with %s, naming the field, as the zod schema does', (_name, status, field) => {
    expect(pacingTargetStatusSchema.safeParse(status).success).toBe(false);
    const run = patchStatus('pt', 'pacing', status);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(field);
  });
});
