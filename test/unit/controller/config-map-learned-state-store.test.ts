import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import {
  ConfigMapLearnedStateStore,
  learnedStateConfigMapName,
  learnedStateDataKey,
  learnedStatePartName,
  maxLearnedStateObjectBytes,
} from '../../../src/controller/config-map-learned-state-store.js';
import type { PersistedPacingState } from '../../../src/engine/index.js';
import { realisticLearnedState } from './learned-state-fixture.js';

describe('learnedStateConfigMapName', () => {
  it.each([
    ['one state per cluster when unsharded', undefined, 'tenant.main-pacing-state'],
    ['one state per shard when sharded', 0, 'tenant.main-pacing-state-shard-0'],
    ['a distinct name for every shard', 7, 'tenant.main-pacing-state-shard-7'],
  ])('names %s', (_name, shard, expected) => {
    expect(learnedStateConfigMapName('tenant/main', shard)).toBe(expected);
  });

  it('keeps the shard suffix when a long key is replaced by its hash', () => {
    const name = learnedStateConfigMapName(`tenant/${'x'.repeat(260)}`, 2);

    expect(name).toMatch(/^pacing-state-[0-9a-f]{32}-shard-2$/);
  });

  it('names parts after the base, hashing a base too long for a suffix', () => {
    expect(learnedStatePartName('tenant.main-pacing-state', 3)).toBe('tenant.main-pacing-state-3');
    expect(learnedStatePartName('x'.repeat(252), 12)).toMatch(/^pacing-state-[0-9a-f]{32}-12$/);
  });
});

/** ConfigMaps in memory, refusing objects above 1 MiB as the API server does; it records every request. */
class FakeConfigMaps {
  readonly maps = new Map<string, V1ConfigMap>();
  readonly requests: { verb: string; name: string; bytes: number }[] = [];

  readonly core = {
    readNamespacedConfigMap: async ({ name }: { name: string }) => {
      this.requests.push({ verb: 'get', name, bytes: 0 });
      const map = this.maps.get(name);
      if (map === undefined) throw Object.assign(new Error('not found'), { code: 404 });
      return structuredClone(map);
    },
    replaceNamespacedConfigMap: async ({ name, body }: { name: string; body: V1ConfigMap }) => {
      this.#record('update', name, body);
      if (!this.maps.has(name)) throw Object.assign(new Error('not found'), { code: 404 });
      this.maps.set(name, structuredClone(body));
      return body;
    },
    createNamespacedConfigMap: async ({ body }: { body: V1ConfigMap }) => {
      const name = body.metadata?.name ?? '';
      this.#record('create', name, body);
      this.maps.set(name, structuredClone(body));
      return body;
    },
  } as unknown as CoreV1Api;

  #record(verb: string, name: string, body: V1ConfigMap): void {
    const bytes = Buffer.byteLength(JSON.stringify(body));
    this.requests.push({ verb, name, bytes });
    if (bytes > 1024 * 1024) throw Object.assign(new Error('Too long'), { code: 422 });
  }
}

function aState(targets: Record<string, unknown>, savedAtMs = 1000, shard?: number): PersistedPacingState {
  return {
    version: 1,
    clusterKey: 'tenant/main',
    policy: 'adaptive',
    savedAtMs,
    lastCycleId: savedAtMs + 1,
    targets,
    ...(shard === undefined ? {} : { shard }),
  };
}

const signal = new AbortController().signal;

describe('ConfigMapLearnedStateStore', () => {
  const large = realisticLearnedState(2000, 4);
  const base = 'tenant.main-pacing-state';

  function setUp() {
    const fake = new FakeConfigMaps();
    const store = new ConfigMapLearnedStateStore({ core: fake.core, namespace: 'ops' });
    return { fake, store };
  }

  it('keeps a small state as plain JSON in one ConfigMap, readable with kubectl', async () => {
    const { fake, store } = setUp();
    const state = aState({ 'sales:chat': { cycles: 3 } });

    await store.save(state);

    expect(JSON.parse(fake.maps.get(base)?.data?.[learnedStateDataKey] ?? '')).toEqual(state);
    expect(await store.load('tenant/main', signal)).toEqual(state);
  });

  it('splits a state too large for one ConfigMap into gzipped parts, none above the limit, and reads it back', async () => {
    const { fake, store } = setUp();
    const state = aState(large);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeGreaterThan(1024 * 1024);

    await store.save(state);

    expect(fake.maps.has(learnedStatePartName(base, 0))).toBe(true);
    expect(fake.requests.every((r) => r.bytes <= maxLearnedStateObjectBytes)).toBe(true);
    expect(await store.load('tenant/main', signal)).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('writes the manifest (part 0) after every other part', async () => {
    const { fake, store } = setUp();
    const fresh = new ConfigMapLearnedStateStore({ core: fake.core, namespace: 'ops' });
    // Force several parts with a state whose figures differ per target.
    const state = aState(
      Object.fromEntries(
        Object.entries(large).map(([id, v], i) => [id, { v, noise: String(i * 7919).repeat(400) }]),
      ),
    );

    await fresh.save(state);
    const writes = fake.requests.filter((r) => r.verb !== 'get' && r.name.startsWith(`${base}-`));

    expect(writes.length).toBeGreaterThan(1);
    expect(writes.at(-1)?.name).toBe(learnedStatePartName(base, 0));
    expect(fake.requests.every((r) => r.bytes <= maxLearnedStateObjectBytes)).toBe(true);
    expect(Object.keys((await store.load('tenant/main', signal))?.targets ?? {})).toHaveLength(2000);
  });

  it('cold-starts only the targets of a part that is missing, from another save, or corrupt', async () => {
    const { fake, store } = setUp();
    const state = aState(
      Object.fromEntries(
        Object.entries(large).map(([id, v], i) => [id, { v, noise: String(i * 7919).repeat(400) }]),
      ),
    );
    await store.save(state);
    const whole = Object.keys((await store.load('tenant/main', signal))?.targets ?? {}).length;

    expect(fake.maps.has(learnedStatePartName(base, 4))).toBe(true);
    const part1 = fake.maps.get(learnedStatePartName(base, 1))!;
    fake.maps.set(learnedStatePartName(base, 1), { ...part1, data: { ...part1.data, generation: '99' } });
    const part2 = fake.maps.get(learnedStatePartName(base, 2))!;
    fake.maps.set(learnedStatePartName(base, 2), {
      ...part2,
      binaryData: { 'targets.json.gz': 'bm90IGd6aXA=' },
    });
    fake.maps.delete(learnedStatePartName(base, 3));
    const loaded = await store.load('tenant/main', signal);

    expect(whole).toBe(2000);
    expect(loaded?.lastCycleId).toBe(state.lastCycleId);
    const kept = Object.keys(loaded?.targets ?? {}).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(whole);
    for (const [id, value] of Object.entries(loaded?.targets ?? {})) expect(value).toEqual(state.targets[id]);
  });

  it('tombstones parts beyond the new count, so a reader never takes them for the current save', async () => {
    const { fake, store } = setUp();
    const noisy = (factor: number) =>
      aState(
        Object.fromEntries(
          Object.entries(large)
            .slice(0, 2000 / factor)
            .map(([id, v], i) => [id, { v, noise: String(i * 7919).repeat(400) }]),
        ),
        factor,
      );
    await store.save(noisy(1));
    const partsBefore = [...fake.maps.keys()].filter((n) => n.startsWith(`${base}-`)).length;

    await store.save(noisy(2));

    const live = [...fake.maps.entries()].filter(
      ([n, m]) => n.startsWith(`${base}-`) && m.data?.['tombstone'] === undefined,
    );
    expect(partsBefore).toBeGreaterThan(live.length);
    expect(live.every(([, m]) => m.data?.['generation'] === '2')).toBe(true);
    expect(Object.keys((await store.load('tenant/main', signal))?.targets ?? {})).toHaveLength(1000);
    expect(fake.requests.some((r) => r.verb === 'delete')).toBe(false);
  });

  it('reads the single-ConfigMap format of earlier versions, and moves to parts without reading it again', async () => {
    const { fake, store } = setUp();
    const old = aState({ 'sales:chat': { cycles: 3 } }, 500);
    fake.maps.set(base, { metadata: { name: base }, data: { [learnedStateDataKey]: JSON.stringify(old) } });

    expect(await store.load('tenant/main', signal)).toEqual(old);

    await store.save(aState(large, 2000));
    expect(fake.maps.get(base)?.data?.[learnedStateDataKey]).toBeUndefined();
    expect((await store.load('tenant/main', signal))?.savedAtMs).toBe(2000);
  });

  it('goes back to one ConfigMap when the state shrinks, and the newer save wins', async () => {
    const { fake, store } = setUp();
    await store.save(aState(large, 1000));
    await store.save(aState({ 'sales:chat': { cycles: 9 } }, 2000));

    expect(fake.maps.get(learnedStatePartName(base, 0))?.data?.['manifest.json']).toBeUndefined();
    expect(await store.load('tenant/main', signal)).toEqual(aState({ 'sales:chat': { cycles: 9 } }, 2000));
  });

  it('picks the newer save when a crash left both formats', async () => {
    const { fake, store } = setUp();
    await store.save(aState(large, 3000));
    const newer = aState({ 'sales:chat': { cycles: 9 } }, 4000);
    fake.maps.set(base, { metadata: { name: base }, data: { [learnedStateDataKey]: JSON.stringify(newer) } });

    expect(await store.load('tenant/main', signal)).toEqual(newer);
    fake.maps.set(base, {
      metadata: { name: base },
      data: { [learnedStateDataKey]: JSON.stringify(aState({}, 100)) },
    });
    expect((await store.load('tenant/main', signal))?.savedAtMs).toBe(3000);
  });

  it('continues the generation of an earlier process, so its parts are not mistaken for the new ones', async () => {
    const { fake, store } = setUp();
    await store.save(aState(large, 1000));
    const next = new ConfigMapLearnedStateStore({ core: fake.core, namespace: 'ops' });

    await next.save(aState(large, 2000));

    expect(fake.maps.get(learnedStatePartName(base, 0))?.data?.['generation']).toBe('2');
    expect((await next.load('tenant/main', signal))?.savedAtMs).toBe(2000);
  });

  it('keeps shards apart', async () => {
    const { store } = setUp();
    await store.save(aState({ a: 1 }, 1000, 0));
    await store.save(aState(large, 1000, 1));

    expect((await store.load('tenant/main', signal, 0))?.targets).toEqual({ a: 1 });
    expect(Object.keys((await store.load('tenant/main', signal, 1))?.targets ?? {})).toHaveLength(2000);
    expect(await store.load('tenant/main', signal)).toBeUndefined();
  });

  it('rejects a malformed single ConfigMap when there is no split state', async () => {
    const { fake, store } = setUp();
    fake.maps.set(base, { metadata: { name: base }, data: { [learnedStateDataKey]: '{not json' } });

    await expect(store.load('tenant/main', signal)).rejects.toThrow(/not JSON/);
  });

  it('cold-starts on a corrupt manifest instead of failing', async () => {
    const { fake, store } = setUp();
    fake.maps.set(learnedStatePartName(base, 0), {
      metadata: { name: learnedStatePartName(base, 0) },
      data: { 'manifest.json': '{"broken"' },
    });

    expect(await store.load('tenant/main', signal)).toBeUndefined();
  });
});
