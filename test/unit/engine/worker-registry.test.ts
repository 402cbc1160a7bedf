import { WorkerRegistry, type PacingWorkerPorts, type TargetConfig } from '../../../src/engine/index.js';
import { FakeClock } from './fake-clock.js';
import {
  aClusterConfig,
  aTarget,
  FakeDecider,
  FakeEngagement,
  FakeStats,
  RecordingSink,
  silentLogger,
  SwitchFence,
} from './engine-fakes.js';

function setUp() {
  const clock = new FakeClock(Date.parse('2026-11-25T18:00:00.500Z'));
  const engagement = new FakeEngagement();
  const sink = new RecordingSink();
  const built: string[] = [];
  const portsFor = (name: string) => (): PacingWorkerPorts => {
    built.push(name);
    return {
      stats: new FakeStats(clock),
      engagement,
      decider: new FakeDecider(),
      fence: new SwitchFence(),
      clock,
      publisher: 'op-1',
      sink,
      logger: silentLogger,
    };
  };
  const registry = new WorkerRegistry({ clock });
  /** Starts the worker of tenant-a/main with the default configuration and connection 'v1'. */
  const startWorker = () =>
    registry.upsert({ config: aClusterConfig(), connectionFingerprint: 'v1', buildPorts: portsFor('a') });
  return { clock, engagement, sink, built, portsFor, registry, startWorker };
}

describe('WorkerRegistry', () => {
  it('lets targets registered before their cluster join its worker when it starts', async () => {
    const { clock, engagement, registry, startWorker } = setUp();
    registry.setTarget('tenant-a/main', aTarget('sales'));

    await startWorker();
    await clock.advanceBy(1000);
    await registry.stopAll();

    expect(engagement.requests[0]?.targets.map((t) => t.id)).toEqual(['sales:chat']);
  });

  it('reconfigures in place when only the configuration changed, and replaces the worker when the connection did', async () => {
    const { built, portsFor, registry, startWorker } = setUp();
    await startWorker();
    await registry.upsert({
      config: aClusterConfig({ refreshPeriodMs: 2000 }),
      connectionFingerprint: 'v1',
      buildPorts: portsFor('b'),
    });
    expect(built).toEqual(['a']);
    expect(registry.workerOf('tenant-a/main')?.config.refreshPeriodMs).toBe(2000);

    await registry.upsert({
      config: aClusterConfig(),
      connectionFingerprint: 'v2',
      buildPorts: portsFor('c'),
    });
    await registry.stopAll();

    expect(built).toEqual(['a', 'c']);
  });

  it('stops the worker of a removed cluster so none of its targets is paced any more', async () => {
    const { clock, engagement, sink, registry, startWorker } = setUp();
    registry.setTarget('tenant-a/main', aTarget('sales'));
    await startWorker();
    await clock.advanceBy(1000);

    await registry.remove('tenant-a/main');
    await clock.advanceBy(3000);

    expect(engagement.requests).toHaveLength(1);
    expect(sink.stopped).toEqual(['tenant-a/main']);
    expect(registry.clusterKeys()).toEqual([]);
  });

  it('moves a target whose cluster reference changed, and drops a removed target', async () => {
    const { clock, engagement, registry, startWorker } = setUp();
    await startWorker();
    registry.setTarget('tenant-a/main', aTarget('sales'));
    registry.setTarget('tenant-a/main', aTarget('support'));
    await clock.advanceBy(1000);

    registry.setTarget('tenant-a/other', aTarget('sales'));
    await clock.advanceBy(1000);
    registry.removeTarget('tenant-a/support');
    await clock.advanceBy(1000);
    await registry.stopAll();

    expect(engagement.requests.map((r) => r.targets.map((t) => t.id))).toEqual([
      ['sales:chat', 'support:chat'],
      ['support:chat'],
    ]);
  });
  it("costs O(1) per membership change: a burst of target reconciles sorts the cluster's list once", async () => {
    const { clock, registry, startWorker } = setUp();
    await startWorker();
    // Every comparison of the sort reads `key`; counting reads measures the work without timing it.
    let keyReads = 0;
    const counted = (name: string): TargetConfig => {
      const target = aTarget(name);
      return Object.defineProperty({ ...target }, 'key', {
        get: () => {
          keyReads += 1;
          return target.key;
        },
        enumerable: true,
      });
    };
    const n = 2000;
    for (let i = 0; i < n; i += 1)
      registry.setTarget('tenant-a/main', counted(`t${String(i).padStart(5, '0')}`));
    // Re-sorting on every change read keys about n²·log n / 2 times (over 10⁷ here); one sort is n·log n.
    expect(keyReads).toBeLessThan(10 * n);

    await clock.advanceBy(1000);
    const targets = registry.workerOf('tenant-a/main')?.targets ?? [];
    await registry.stopAll();

    expect(targets).toHaveLength(n);
    expect(keyReads).toBeLessThan(60 * n);
    expect(targets.map((t) => t.id).slice(0, 3)).toEqual(['t00000:chat', 't00001:chat', 't00002:chat']);
  });

  it('keeps the target list it has when a reconcile hands it a config that says the same', async () => {
    const { registry, startWorker } = setUp();
    await startWorker();
    const salesListing = (...agents: string[]) => aTarget('sales', { groups: [{ name: 'g', agents }] });
    registry.setTarget('tenant-a/main', salesListing('a-1', 'a-2'));
    const before = registry.workerOf('tenant-a/main')?.targets;

    // A resync's reconcile builds an equal config, a new object.
    registry.setTarget('tenant-a/main', salesListing('a-1', 'a-2'));
    const afterSame = registry.workerOf('tenant-a/main')?.targets;
    registry.setTarget('tenant-a/main', salesListing('a-1', 'a-3'));
    const afterChange = registry.workerOf('tenant-a/main')?.targets;
    await registry.stopAll();

    expect(afterSame).toBe(before);
    expect(afterChange).not.toBe(before);
    expect(afterChange?.[0]?.groups[0]?.agents).toEqual(['a-1', 'a-3']);
  });

  it('shows a membership change at once through workerOf, before the coalescing delay has passed', async () => {
    const { registry, startWorker } = setUp();
    await startWorker();

    registry.setTarget('tenant-a/main', aTarget('support'));
    registry.setTarget('tenant-a/main', aTarget('sales'));
    const ids = registry.workerOf('tenant-a/main')?.targets.map((t) => t.id);
    await registry.stopAll();

    expect(ids).toEqual(['sales:chat', 'support:chat']);
  });
});
