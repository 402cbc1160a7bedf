import {
  createPacingClusterReconciler,
  createPacingTargetReconciler,
} from '../../../src/controller/index.js';
import {
  aClusterObject,
  aQuietWorkerFactory,
  aRecordingBook,
  aRegistry,
  aSecret,
  aTargetObject,
  MapCache,
  silentLogger,
} from './pacing-reconcilers.fixtures.js';

const signal = new AbortController().signal;

async function setUp(options: { hasCluster?: boolean; hasSecret?: boolean } = {}) {
  const clusters = new MapCache<unknown>();
  const targets = new MapCache<unknown>();
  const secrets = new MapCache<ReturnType<typeof aSecret>>();
  const { registry, targetsOf } = aRegistry();
  const recording = aRecordingBook();
  const workers = aQuietWorkerFactory();
  if (options.hasCluster ?? true) clusters.objects.set('tenant/main', aClusterObject());
  if (options.hasSecret ?? true)
    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 's' }));
  const reconcileCluster = createPacingClusterReconciler({
    clusters,
    secrets,
    registry,
    book: recording.book,
    buildWorker: workers.factory,
    enqueueTargetsOf: () => undefined,
    logger: silentLogger,
  });
  await reconcileCluster('tenant/main', signal);
  const requeued: string[] = [];
  const reconcile = createPacingTargetReconciler({
    targets,
    clusters,
    registry,
    book: recording.book,
    logger: silentLogger,
    requeue: (key) => requeued.push(key),
  });
  return { targets, clusters, registry, targetsOf, reconcile, requeued, ...recording };
}

/** A target object created at `createdAt` (RFC 3339), as the API server stamps it. */
function createdAt(createdAt: string, object: Record<string, unknown>): Record<string, unknown> {
  return { ...object, metadata: { ...(object['metadata'] as object), creationTimestamp: createdAt } };
}

describe('PacingTarget reconciler', () => {
  it('validates its cluster once per cluster object (resourceVersion), not on every target reconcile', async () => {
    const { targets, clusters, reconcile, targetsOf } = await setUp();
    // Reads of the cluster's spec count validations: each parse reads it, a cache hit does not.
    let specReads = 0;
    const countingCluster = (object: Record<string, unknown>) =>
      Object.defineProperty({ ...object }, 'spec', {
        get: () => {
          specReads += 1;
          return object.spec;
        },
        enumerable: true,
      });
    clusters.objects.set('tenant/main', countingCluster(aClusterObject()));
    for (const name of ['a', 'b', 'c']) targets.objects.set(`tenant/${name}`, aTargetObject(name));

    await reconcile('tenant/a', signal);
    const readsForOne = specReads;
    await reconcile('tenant/b', signal);
    await reconcile('tenant/c', signal);
    await reconcile('tenant/a', signal);
    expect(readsForOne).toBeGreaterThan(0);
    expect(specReads).toBe(readsForOne);

    // A changed cluster arrives as a new object from the informer and is validated again.
    clusters.objects.set('tenant/main', countingCluster(aClusterObject({ optimizationGoal: 5 }, 2)));
    await reconcile('tenant/a', signal);
    expect(specReads).toBeGreaterThan(readsForOne);
    expect(targetsOf('tenant/main').find((t) => t.key === 'tenant/a')?.optimizationGoalPercent).toBe(5);
  });

  it('adds a valid target to its cluster worker with the cluster goal as default and reports Accepted and Ready', async () => {
    const { targets, registry, targetsOf, reconcile, conditionsOf, lastStatusOf } = await setUp();
    targets.objects.set('tenant/chat', aTargetObject('chat'));

    await reconcile('tenant/chat', signal);

    expect(targetsOf('tenant/main')).toEqual([
      expect.objectContaining({
        key: 'tenant/chat',
        id: 'Chat:chat',
        optimizationGoalPercent: 4,
        groups: [{ name: 'Chat Agents', agents: ['a-1', 'a-2'] }],
        isPaused: false,
      }),
    ]);
    expect(conditionsOf('chat').map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Accepted=True/Valid',
      'Ready=True/ClusterReady',
    ]);
    expect(lastStatusOf('chat')?.effectiveOptimizationGoal).toBe(4);
    await registry.stopAll();
  });

  it.each([
    [
      'a skill expression that does not parse',
      { agentGroups: [{ name: 'Spanish', skillExpression: 'Spanish >' }] },
      'InvalidSkillExpression',
      'spec.agentGroups[0].skillExpression',
    ],
    [
      'a group with both agents and a skill expression',
      { agentGroups: [{ name: 'X', agents: ['a'], skillExpression: 'Sales > 1' }] },
      'InvalidSpec',
      'agents or skillExpression',
    ],
  ])(
    'refuses %s with Accepted=False naming the field and keeps the other targets pacing',
    async (_n, spec, reason, text) => {
      const { targets, registry, targetsOf, reconcile, conditionsOf } = await setUp();
      targets.objects.set('tenant/good', aTargetObject('good'));
      targets.objects.set(
        'tenant/bad',
        aTargetObject('bad', { ...spec, virtualQueue: { name: 'Bad', media: 'chat' } }),
      );

      await reconcile('tenant/good', signal);
      await reconcile('tenant/bad', signal);

      expect(targetsOf('tenant/main').map((t) => t.key)).toEqual(['tenant/good']);
      const accepted = conditionsOf('bad').find((c) => c.type === 'Accepted');
      expect(accepted).toMatchObject({ status: 'False', reason });
      expect(accepted?.message).toContain(text);
      await registry.stopAll();
    },
  );

  it('reports Ready=False ClusterNotFound for a target whose cluster does not exist', async () => {
    const { targets, reconcile, conditionsOf } = await setUp({ hasCluster: false });
    targets.objects.set('tenant/chat', aTargetObject('chat'));

    await reconcile('tenant/chat', signal);

    expect(conditionsOf('chat').find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ClusterNotFound',
      message: 'PacingCluster tenant/main not found',
    });
  });

  it('reports Ready=False ClusterNotReady, with the cluster reason, while the cluster has no credentials', async () => {
    const { targets, targetsOf, reconcile, conditionsOf } = await setUp({ hasSecret: false });
    targets.objects.set('tenant/chat', aTargetObject('chat'));

    await reconcile('tenant/chat', signal);

    expect(targetsOf('tenant/main')).toEqual([]);
    const ready = conditionsOf('chat').find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'ClusterNotReady' });
    expect(ready?.message).toContain('Secret tenant/creds not found');
  });

  it('passes paused, cap and its own goal to the worker and reports Pacing=False Paused', async () => {
    const { targets, registry, targetsOf, reconcile, conditionsOf } = await setUp();
    targets.objects.set(
      'tenant/chat',
      aTargetObject('chat', { paused: true, maxInvitesPerInterval: 5, optimizationGoal: 2 }),
    );

    await reconcile('tenant/chat', signal);

    expect(targetsOf('tenant/main')[0]).toMatchObject({
      isPaused: true,
      maxInvitesPerInterval: 5,
      optimizationGoalPercent: 2,
    });
    expect(conditionsOf('chat').find((c) => c.type === 'Pacing')).toMatchObject({
      status: 'False',
      reason: 'Paused',
    });
    await registry.stopAll();
  });

  it('paces one target per virtual queue and media, the oldest, and tells the others which target holds it', async () => {
    const { targets, registry, targetsOf, reconcile, conditionsOf, requeued } = await setUp();
    targets.objects.set('tenant/newer', createdAt('2026-02-01T00:00:00Z', aTargetObject('newer')));
    targets.objects.set('tenant/older', createdAt('2026-01-01T00:00:00Z', aTargetObject('older')));
    const voice = { virtualQueue: { name: 'Chat', media: 'voice' } };
    targets.objects.set('tenant/voice', createdAt('2026-03-01T00:00:00Z', aTargetObject('voice', voice)));

    // The newer one is reconciled first, as a restart may list them: it waits for the older one at once, without
    // pacing meanwhile.
    await reconcile('tenant/newer', signal);
    expect(targetsOf('tenant/main')).toEqual([]);
    expect(conditionsOf('newer').find((c) => c.type === 'Ready')?.reason).toBe('VirtualQueueTaken');
    await reconcile('tenant/older', signal);
    await reconcile('tenant/voice', signal);
    expect(requeued).toEqual([]);

    expect(targetsOf('tenant/main').map((t) => t.key)).toEqual(['tenant/older', 'tenant/voice']);
    expect(conditionsOf('older').find((c) => c.type === 'Ready')?.reason).toBe('ClusterReady');
    expect(conditionsOf('voice').find((c) => c.type === 'Ready')?.reason).toBe('ClusterReady');
    const taken = conditionsOf('newer');
    expect(taken.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Accepted=True/Valid',
      'Ready=False/VirtualQueueTaken',
    ]);
    expect(taken[1]?.message).toBe(
      'PacingTarget tenant/older already paces virtual queue "Chat" (chat) in PacingCluster tenant/main; ' +
        "put this target's agent groups into it, or name another queue",
    );
    await registry.stopAll();
  });

  it('claims nothing for a cached object whose spec names no queue, and reconciles it as invalid', async () => {
    const { targets, registry, targetsOf, reconcile, conditionsOf } = await setUp();
    targets.objects.set('tenant/junk', {
      metadata: { name: 'junk', namespace: 'tenant', creationTimestamp: 'x' },
    });
    targets.objects.set('tenant/chat', aTargetObject('chat'));

    await reconcile('tenant/chat', signal);
    await reconcile('tenant/junk', signal);

    expect(targetsOf('tenant/main').map((t) => t.key)).toEqual(['tenant/chat']);
    expect(conditionsOf('junk').find((c) => c.type === 'Accepted')?.status).toBe('False');
    await registry.stopAll();
  });

  it('hands the queue on when the older target it waited for turns out invalid at its own reconcile', async () => {
    const { targets, registry, targetsOf, reconcile, conditionsOf, requeued } = await setUp();
    const invalid = { agentGroups: [{ name: 'X', skillExpression: '>' }] };
    targets.objects.set('tenant/older', createdAt('2026-01-01T00:00:00Z', aTargetObject('older', invalid)));
    targets.objects.set('tenant/newer', createdAt('2026-02-01T00:00:00Z', aTargetObject('newer')));

    await reconcile('tenant/newer', signal);
    expect(conditionsOf('newer').find((c) => c.type === 'Ready')?.reason).toBe('VirtualQueueTaken');
    await reconcile('tenant/older', signal);
    expect(requeued).toEqual(['tenant/newer']);
    await reconcile('tenant/newer', signal);

    expect(targetsOf('tenant/main').map((t) => t.key)).toEqual(['tenant/newer']);
    expect(conditionsOf('newer').find((c) => c.type === 'Ready')?.reason).toBe('ClusterReady');
    await registry.stopAll();
  });

  it.each([
    ['is deleted', (t: MapCache<unknown>) => t.objects.delete('tenant/older')],
    [
      'moves to another queue',
      (t: MapCache<unknown>) =>
        t.objects.set(
          'tenant/older',
          createdAt(
            '2026-01-01T00:00:00Z',
            aTargetObject('older', { virtualQueue: { name: 'Other', media: 'chat' } }),
          ),
        ),
    ],
    [
      'becomes invalid',
      (t: MapCache<unknown>) =>
        t.objects.set(
          'tenant/older',
          createdAt(
            '2026-01-01T00:00:00Z',
            aTargetObject('older', { agentGroups: [{ name: 'X', skillExpression: '>' }] }),
          ),
        ),
    ],
  ])('hands the queue to the next oldest target when the holder %s', async (_n, change) => {
    const { targets, registry, targetsOf, reconcile, conditionsOf, requeued } = await setUp();
    targets.objects.set('tenant/older', createdAt('2026-01-01T00:00:00Z', aTargetObject('older')));
    targets.objects.set('tenant/newer', createdAt('2026-02-01T00:00:00Z', aTargetObject('newer')));
    await reconcile('tenant/older', signal);
    await reconcile('tenant/newer', signal);
    expect(conditionsOf('newer').find((c) => c.type === 'Ready')?.reason).toBe('VirtualQueueTaken');
    expect(requeued).toEqual([]);

    change(targets);
    await reconcile('tenant/older', signal);
    expect(requeued).toEqual(['tenant/newer']);
    await reconcile('tenant/newer', signal);

    expect(targetsOf('tenant/main').map((t) => t.key)).toContain('tenant/newer');
    expect(conditionsOf('newer').find((c) => c.type === 'Ready')?.reason).toBe('ClusterReady');
    await registry.stopAll();
  });

  it('removes a deleted target from its worker', async () => {
    const { targets, registry, targetsOf, reconcile } = await setUp();
    targets.objects.set('tenant/chat', aTargetObject('chat'));
    await reconcile('tenant/chat', signal);

    targets.objects.delete('tenant/chat');
    await reconcile('tenant/chat', signal);

    expect(targetsOf('tenant/main')).toEqual([]);
    await registry.stopAll();
  });
});
