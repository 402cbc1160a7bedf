import { randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  ConfigMapLearnedStateStore,
  learnedStateConfigMapName,
  learnedStatePartName,
} from '../../src/controller/config-map-learned-state-store.js';
import { createKubeClients, loadKubeConfig, type KubeClients } from '../../src/controller/index.js';
import type { PersistedPacingState } from '../../src/engine/index.js';
import { jitteredFigures, realisticLearnedState } from '../unit/controller/learned-state-fixture.js';

// 3,000 targets whose figures all differ: about 3.8 MB of JSON, far above one ConfigMap's 1 MiB.
const targets = jitteredFigures(realisticLearnedState(3000, 8));

function aState(savedAtMs: number, stateTargets: Record<string, unknown>): PersistedPacingState {
  return {
    version: 1,
    clusterKey: 'tenant/big',
    policy: 'adaptive',
    savedAtMs,
    lastCycleId: savedAtMs,
    targets: stateTargets,
  };
}

describe('learned state on a real API server', () => {
  let clients: KubeClients;
  let namespace: string;

  beforeAll(async () => {
    const path = process.env.KUBECONFIG;
    if (!path) throw new Error('KUBECONFIG is not set: run through the jest integration project');
    clients = createKubeClients(loadKubeConfig({ kubeconfigPath: path }));
    namespace = `state-${randomBytes(4).toString('hex')}`;
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 60_000);

  afterAll(async () => {
    await clients.kubeConfig.close();
  });

  it('saves a state of several MB as gzipped parts the API server accepts, and a new store reads it back', async () => {
    const store = new ConfigMapLearnedStateStore({
      core: clients.core,
      namespace,
      logger: pino({ level: 'silent' }),
    });
    const state = aState(1000, targets);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeGreaterThan(2 * 1024 * 1024);

    await store.save(state);
    const fresh = new ConfigMapLearnedStateStore({ core: clients.core, namespace });
    const loaded = await fresh.load('tenant/big', new AbortController().signal);

    const base = learnedStateConfigMapName('tenant/big');
    const part1 = await clients.core.readNamespacedConfigMap({
      name: learnedStatePartName(base, 1),
      namespace,
    });
    expect(part1.binaryData?.['targets.json.gz']).toBeDefined();
    expect(loaded).toEqual(JSON.parse(JSON.stringify(state)));
  }, 120_000);

  it('replaces it by a small plain state, which the next leader reads instead of the old parts', async () => {
    const store = new ConfigMapLearnedStateStore({ core: clients.core, namespace });
    const small = aState(2000, { 'sales:chat': { cycles: 4 } });

    await store.save(small);
    const loaded = await new ConfigMapLearnedStateStore({ core: clients.core, namespace }).load(
      'tenant/big',
      new AbortController().signal,
    );

    expect(loaded).toEqual(small);
  }, 120_000);
});
