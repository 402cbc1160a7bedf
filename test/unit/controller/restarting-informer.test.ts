import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import {
  RestartingInformer,
  type InformerEvent,
  type RestartingInformerOptions,
  type WatchLike,
} from '../../../src/controller/restarting-informer.js';
import { shareStatusConditions } from '../../../src/controller/condition-pool.js';
import { trimPacingTargetStatus } from '../../../src/controller/custom-object-informer.js';
import { FakeClock, flushAsync } from './fake-clock.js';

interface OpenWatch {
  queryParams: Record<string, unknown>;
  callback: (phase: string, obj: unknown) => void;
  done: (err: unknown) => void;
}

/** A watch we drive by hand: tests push events into the open connection or end it with an error. */
class FakeWatch implements WatchLike {
  opened: OpenWatch[] = [];
  throwNext = false;
  async watch(
    _path: string,
    queryParams: Record<string, unknown>,
    callback: (phase: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error('cannot read the service account token');
    }
    this.opened.push({ queryParams, callback, done });
    return new AbortController();
  }
  current(): OpenWatch {
    return this.opened[this.opened.length - 1]!;
  }
}

function aConfigMap(
  name: string,
  resourceVersion: string,
  extra: Partial<KubernetesObject['metadata']> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: 'ns',
      resourceVersion,
      generation: 1,
      managedFields: [{ manager: 'kubectl' }],
      ...extra,
    },
  } as KubernetesObject;
}

function anInformer(
  lists: (() => Promise<KubernetesListObject<KubernetesObject>>)[],
  extra: Partial<RestartingInformerOptions<KubernetesObject>> = {},
) {
  const clock = new FakeClock();
  const registry = new Registry();
  const watch = new FakeWatch();
  const events: InformerEvent<KubernetesObject>[] = [];
  let listCalls = 0;
  const informer = new RestartingInformer<KubernetesObject>({
    name: 'configmaps',
    path: '/api/v1/namespaces/ns/configmaps',
    list: () => {
      const next = lists[Math.min(listCalls, lists.length - 1)]!;
      listCalls += 1;
      return next();
    },
    watch,
    clock,
    random: () => 0.5,
    registry,
    logger: pino({ level: 'silent' }),
    ...extra,
  });
  informer.onEvent((e) => events.push(e));
  return { informer, clock, registry, watch, events, listCalls: () => listCalls };
}

const listOf =
  (rv: string, ...items: KubernetesObject[]) =>
  async () => ({ metadata: { resourceVersion: rv }, items });

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values[0]?.value ?? 0;
}

describe('RestartingInformer', () => {
  it('lists, caches without managedFields, reports synced and watches from the list resourceVersion', async () => {
    const { informer, watch, events } = anInformer([listOf('10', aConfigMap('a', '5'))]);
    expect(informer.hasSynced()).toBe(false);
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(events.map((e) => [e.type, e.key])).toEqual([['add', 'ns/a']]);
    expect(informer.get('ns/a')?.metadata?.managedFields).toBeUndefined();
    expect(watch.current().queryParams.resourceVersion).toBe('10');
    watch.current().callback('ADDED', aConfigMap('b', '11'));
    expect(informer.get('ns/b')?.metadata?.managedFields).toBeUndefined();
    expect(events.map((e) => e.key)).toEqual(['ns/a', 'ns/b']);
    await informer.close();
  });

  it("drops kubectl's last-applied copy of the manifest from the cache and keeps the other annotations", async () => {
    const annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{"a":"whole manifest"}}',
      'pacing.agentpacing.dev/note': 'kept',
    };
    const { informer, watch } = anInformer([listOf('10', aConfigMap('a', '5', { annotations }))]);
    await informer.start();
    watch.current().callback('MODIFIED', aConfigMap('a', '12', { annotations: { ...annotations } }));

    expect(informer.get('ns/a')?.metadata?.annotations).toEqual({ 'pacing.agentpacing.dev/note': 'kept' });
    await informer.close();
  });

  it('trims every listed and watched object in place before it is cached, as a PacingTarget informer does', async () => {
    const withStatus = (name: string, rv: string) =>
      Object.assign(aConfigMap(name, rv), {
        status: { conditions: [{ type: 'Ready', status: 'True' }], invitesAllowed: 4, freeSlots: 2 },
      });
    const { informer, watch, events } = anInformer([listOf('10', withStatus('a', '5'))], {
      trim: trimPacingTargetStatus,
    });
    await informer.start();
    watch.current().callback('ADDED', withStatus('b', '11'));
    watch.current().callback('ADDED', Object.assign(aConfigMap('c', '12'), { status: { freeSlots: 1 } }));
    for (const key of ['ns/a', 'ns/b'])
      expect((informer.get(key) as { status?: unknown }).status).toEqual({
        conditions: [{ type: 'Ready', status: 'True' }],
      });
    expect((informer.get('ns/c') as { status?: unknown }).status).toEqual({});
    expect(events.map((e) => (e.object as { status?: unknown }).status)).toEqual([
      { conditions: [{ type: 'Ready', status: 'True' }] },
      { conditions: [{ type: 'Ready', status: 'True' }] },
      {},
    ]);
    await informer.close();
  });

  it('caches one frozen copy of conditions that recur across objects when asked to, as the pacing informers do', async () => {
    const withConditions = (name: string, rv: string, reason: string) =>
      Object.assign(aConfigMap(name, rv), {
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason, lastTransitionTime: '2026-11-27T23:30:16Z' }],
        },
      });
    const { informer, watch } = anInformer([listOf('10', withConditions('a', '5', 'Shared'))], {
      share: shareStatusConditions,
    });
    await informer.start();
    watch.current().callback('ADDED', withConditions('b', '11', 'Shared'));
    watch.current().callback('ADDED', withConditions('c', '12', 'Other'));
    const first = (key: string) =>
      (informer.get(key) as { status: { conditions: object[] } }).status.conditions[0];

    expect(first('ns/b')).toBe(first('ns/a'));
    expect(first('ns/c')).not.toBe(first('ns/a'));
    expect(first('ns/c')).toEqual(withConditions('c', '12', 'Other').status.conditions[0]);
    expect(Object.isFrozen(first('ns/a'))).toBe(true);
    await informer.close();
  });

  it('caches copies of the listed and watched objects, so no response text stays alive through them', async () => {
    // JSON.parse makes string values slices of the text it parsed; only a copy lets that text go.
    const listed = aConfigMap('a', '5', { labels: { team: 'spanish' } });
    const { informer, watch, events } = anInformer([listOf('10', listed)]);
    await informer.start();
    const watched = aConfigMap('b', '11');
    watch.current().callback('ADDED', watched);
    const bookmark = { metadata: { resourceVersion: '12' } };
    watch.current().callback('BOOKMARK', bookmark);

    expect(informer.get('ns/a')).not.toBe(listed);
    expect(informer.get('ns/b')).not.toBe(watched);
    expect(informer.get('ns/a')).toEqual({
      ...listed,
      metadata: { ...listed.metadata, managedFields: undefined },
    });
    expect(informer.get('ns/a')?.metadata?.labels).not.toBe(listed.metadata?.labels);
    expect(events.map((e) => e.object)).toEqual([informer.get('ns/a'), informer.get('ns/b')]);
    await informer.close();
  });

  it('restarts after an error with backoff and resumes from the last resourceVersion without relisting', async () => {
    const { informer, clock, registry, watch, listCalls } = anInformer([listOf('10')]);
    await informer.start();
    watch.current().callback('ADDED', aConfigMap('b', '12'));
    watch.current().done(Object.assign(new Error('Internal Server Error'), { statusCode: 500 }));
    await flushAsync();
    expect(watch.opened).toHaveLength(1);
    await clock.advance(1099);
    expect(watch.opened).toHaveLength(1);
    await clock.advance(1);
    expect(watch.opened).toHaveLength(2);
    expect(watch.current().queryParams.resourceVersion).toBe('12');
    expect(listCalls()).toBe(1);
    expect(await counter(registry, 'pacing_informer_errors_total')).toBe(1);
    expect(await counter(registry, 'pacing_informer_restarts_total')).toBe(1);
    await informer.close();
  });

  it('retries a failed first LIST with doubling backoff until it succeeds', async () => {
    const failing = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const { informer, clock, listCalls } = anInformer([failing, failing, listOf('3', aConfigMap('a', '2'))]);
    await informer.start();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(1100);
    expect(listCalls()).toBe(2);
    await clock.advance(2199);
    expect(listCalls()).toBe(2);
    await clock.advance(1);
    expect(listCalls()).toBe(3);
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('ns/a')).toBeDefined();
    await informer.close();
  });

  it('relists after 410 Gone and reports objects that vanished meanwhile as deleted', async () => {
    const { informer, watch, events, clock } = anInformer([
      listOf('10', aConfigMap('a', '5'), aConfigMap('b', '6')),
      listOf('20', aConfigMap('a', '5')),
    ]);
    await informer.start();
    watch.current().callback('ERROR', { code: 410 });
    watch.current().done(null);
    await clock.advance(0);
    expect(events.map((e) => [e.type, e.key])).toEqual([
      ['add', 'ns/a'],
      ['add', 'ns/b'],
      ['delete', 'ns/b'],
    ]);
    expect(watch.current().queryParams.resourceVersion).toBe('20');
    await informer.close();
  });

  it('keeps delivering to other handlers when one throws, and counts the throw', async () => {
    const { informer, watch, registry } = anInformer([listOf('1')]);
    informer.onEvent(() => {
      throw new Error('handler bug');
    });
    const seen: string[] = [];
    informer.onEvent((e) => seen.push(e.key));
    await informer.start();
    watch.current().callback('ADDED', aConfigMap('a', '2'));
    expect(seen).toEqual(['ns/a']);
    expect(await counter(registry, 'pacing_informer_handler_errors_total')).toBe(1);
    await informer.close();
  });

  it('re-delivers every cached object at each resync period', async () => {
    const { informer, clock, events } = anInformer(
      [listOf('1', aConfigMap('a', '1'), aConfigMap('b', '1'))],
      {
        resyncPeriodMs: 60_000,
      },
    );
    await informer.start();
    await clock.advance(150_000);
    expect(events.filter((e) => e.type === 'resync').map((e) => e.key)).toEqual([
      'ns/a',
      'ns/b',
      'ns/a',
      'ns/b',
    ]);
    await informer.close();
  });

  it('spreads a resync over the first half of its period, a slice a second, skipping objects deleted meanwhile', async () => {
    const many = Array.from({ length: 95 }, (_, i) => aConfigMap(`o-${String(i).padStart(2, '0')}`, '1'));
    const { informer, clock, events, watch } = anInformer([listOf('1', ...many)], { resyncPeriodMs: 20_000 });
    await informer.start();
    const resyncedAt: number[] = [];
    informer.onEvent((e) => {
      if (e.type === 'resync') resyncedAt.push(clock.nowMs());
    });
    await clock.advance(20_000);
    watch.current().callback('DELETED', aConfigMap('o-94', '2'));
    await clock.advance(10_000);

    const perSecond = new Map<number, number>();
    for (const at of resyncedAt) perSecond.set(at, (perSecond.get(at) ?? 0) + 1);
    // 95 objects over 10 one-second slices: 10 at a time, the last slice one short for the deleted object.
    expect([...perSecond.values()]).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 4]);
    expect(Math.max(...resyncedAt) - Math.min(...resyncedAt)).toBe(9_000);
    expect(new Set(events.filter((e) => e.type === 'resync').map((e) => e.key)).size).toBe(94);
    await informer.close();
  });

  it('drops updates that change only status when asked to', async () => {
    const { informer, watch, events } = anInformer([listOf('1', aConfigMap('a', '1'))], {
      ignoreStatusOnlyUpdates: true,
    });
    await informer.start();
    watch.current().callback('MODIFIED', aConfigMap('a', '2'));
    watch.current().callback('MODIFIED', aConfigMap('a', '3', { generation: 2 }));
    watch.current().callback('MODIFIED', aConfigMap('a', '4', { generation: 2, labels: { x: 'y' } }));
    expect(events.map((e) => `${e.type}@${e.object.metadata?.resourceVersion}`)).toEqual([
      'add@1',
      'update@3',
      'update@4',
    ]);
    await informer.close();
  });

  it('compares with the cached version on a relist too, and counts a deletion request as a change', async () => {
    const { informer, watch, events, clock } = anInformer(
      [
        listOf('1', aConfigMap('a', '1'), aConfigMap('b', '1')),
        listOf('9', aConfigMap('a', '5'), aConfigMap('b', '6', { generation: 2 })),
      ],
      { ignoreStatusOnlyUpdates: true },
    );
    await informer.start();
    watch.current().callback('ERROR', { code: 410 });
    watch.current().done(null);
    await clock.advance(0);
    watch
      .current()
      .callback('MODIFIED', aConfigMap('a', '10', { deletionTimestamp: new Date('2026-11-27T23:40:00Z') }));
    expect(events.map((e) => `${e.type}:${e.key}@${e.object.metadata?.resourceVersion}`)).toEqual([
      'add:ns/a@1',
      'add:ns/b@1',
      'update:ns/b@6',
      'update:ns/a@10',
    ]);
    await informer.close();
  });

  it('does not restart after close', async () => {
    const { informer, watch, clock } = anInformer([listOf('1')]);
    await informer.start();
    await informer.close();
    watch.current().done(new Error('boom'));
    await clock.advance(120_000);
    expect(watch.opened).toHaveLength(1);
  });

  it('turns a watch that throws on reconnect into an error and a restart instead of a crash', async () => {
    const { informer, watch, clock, registry } = anInformer([listOf('1')]);
    await informer.start();
    watch.throwNext = true;
    watch.current().done(null);
    await flushAsync();
    expect(await counter(registry, 'pacing_informer_errors_total')).toBe(1);
    await clock.advance(1100);
    expect(watch.opened).toHaveLength(2);
    await informer.close();
  });

  it('opens no new watch when closed during the reconnect delay', async () => {
    const { informer, watch, clock } = anInformer([listOf('1')]);
    await informer.start();
    watch.current().done(null);
    await flushAsync();
    expect(watch.opened).toHaveLength(2);
    // client-node now waits 1 s before the next reconnect; close during that wait.
    watch.current().done(null);
    await flushAsync();
    await informer.close();
    await clock.advance(5_000);
    expect(watch.opened).toHaveLength(2);
  });
});
