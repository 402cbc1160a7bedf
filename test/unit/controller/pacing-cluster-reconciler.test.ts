import { createPacingClusterReconciler } from '../../../src/controller/index.js';
import {
  aClusterObject,
  aQuietWorkerFactory,
  aRecordingBook,
  aRegistry,
  aSecret,
  MapCache,
  silentLogger,
} from './pacing-reconcilers.fixtures.js';

function setUp() {
  const clusters = new MapCache<unknown>();
  const secrets = new MapCache<ReturnType<typeof aSecret>>();
  const { registry } = aRegistry();
  const recording = aRecordingBook();
  const workers = aQuietWorkerFactory();
  const woken: string[] = [];
  const reconcile = createPacingClusterReconciler({
    clusters,
    secrets,
    registry,
    book: recording.book,
    buildWorker: workers.factory,
    enqueueTargetsOf: (namespace, name) => woken.push(`${namespace}/${name}`),
    logger: silentLogger,
  });
  return { clusters, secrets, registry, woken, reconcile, ...recording, ...workers };
}

const signal = new AbortController().signal;

describe('PacingCluster reconciler', () => {
  afterEach(() => undefined);

  it('starts a worker for a valid cluster with readable credentials and reports Ready=True', async () => {
    const { clusters, secrets, registry, reconcile, conditionsOf, woken } = setUp();
    clusters.objects.set('tenant/main', aClusterObject());
    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 'secret\n' }));

    await reconcile('tenant/main', signal);

    expect(registry.workerOf('tenant/main')?.config.refreshPeriodMs).toBe(5000);
    expect(conditionsOf('main').find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'WorkerRunning',
    });
    expect(woken).toEqual(['tenant/main']);
    await registry.stopAll();
  });

  it.each([
    ['the Secret is missing', undefined, 'Secret tenant/creds not found'],
    ['client_secret is missing', { client_id: 'id' }, 'has no key client_secret'],
    ['client_id is empty', { client_id: '  ', client_secret: 's' }, 'key client_id is empty'],
    [
      'client_secret holds binary garbage',
      { client_id: 'id', client_secret: 'a\u0001b' },
      'control characters',
    ],
  ])('reports Ready=False CredentialsMissing and runs no worker when %s', async (_name, values, message) => {
    const { clusters, secrets, registry, reconcile, conditionsOf } = setUp();
    clusters.objects.set('tenant/main', aClusterObject());
    if (values) secrets.objects.set('tenant/creds', aSecret(values));

    await reconcile('tenant/main', signal);

    expect(registry.workerOf('tenant/main')).toBeUndefined();
    const ready = conditionsOf('main').find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'CredentialsMissing' });
    expect(ready?.message).toContain(message);
    expect(ready?.message).not.toContain('secret\n');
  });

  it('reports Ready=False InvalidSpec naming the field for a spec the API server let through', async () => {
    const { clusters, registry, reconcile, conditionsOf } = setUp();
    clusters.objects.set('tenant/main', aClusterObject({ refreshPeriod: 'soon' }));

    await reconcile('tenant/main', signal);

    expect(registry.workerOf('tenant/main')).toBeUndefined();
    const ready = conditionsOf('main').find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(ready?.message).toContain('refreshPeriod');
  });

  it('reconfigures the running worker on a spec change and replaces it when the credentials change', async () => {
    const { clusters, secrets, registry, reconcile, builds } = setUp();
    clusters.objects.set('tenant/main', aClusterObject());
    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 'one' }));
    await reconcile('tenant/main', signal);

    clusters.objects.set('tenant/main', aClusterObject({ refreshPeriod: '2s' }, 2));
    await reconcile('tenant/main', signal);
    expect(registry.workerOf('tenant/main')?.config.refreshPeriodMs).toBe(2000);
    expect(builds).toHaveLength(1);

    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 'two' }));
    await reconcile('tenant/main', signal);
    expect(builds.map((b) => b.clientSecret)).toEqual(['one', 'two']);
    await registry.stopAll();
  });

  it('wakes its targets only when what they read of it changed, not on a pass that ends as the last one did', async () => {
    const { clusters, secrets, registry, reconcile, woken } = setUp();
    clusters.objects.set('tenant/main', aClusterObject());
    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 's' }));
    await reconcile('tenant/main', signal);
    const afterFirst = woken.length;

    await reconcile('tenant/main', signal); // a periodic resync
    const afterResync = woken.length;
    clusters.objects.set('tenant/main', aClusterObject({ optimizationGoal: 5 }, 2));
    await reconcile('tenant/main', signal);
    const afterSpecChange = woken.length;
    secrets.objects.delete('tenant/creds');
    await reconcile('tenant/main', signal);
    await reconcile('tenant/main', signal);

    expect([afterFirst, afterResync, afterSpecChange, woken.length]).toEqual([1, 1, 2, 3]);
    await registry.stopAll();
  });

  it('stops the worker of a deleted cluster and wakes its targets', async () => {
    const { clusters, secrets, registry, reconcile, woken } = setUp();
    clusters.objects.set('tenant/main', aClusterObject());
    secrets.objects.set('tenant/creds', aSecret({ client_id: 'id', client_secret: 's' }));
    await reconcile('tenant/main', signal);

    clusters.objects.delete('tenant/main');
    await reconcile('tenant/main', signal);

    expect(registry.clusterKeys()).toEqual([]);
    expect(woken).toEqual(['tenant/main', 'tenant/main']);
  });
});
