import type { V1Lease } from '@kubernetes/client-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { LeaseClient } from '../../../src/controller/lease-client.js';
import { ShardCoordinator } from '../../../src/controller/shard-coordinator.js';
import { ControllerConfigError } from '../../../src/controller/errors.js';
import { FakeClock } from './fake-clock.js';
import { FakeLeaseClient } from './fake-lease-client.js';

const NS = 'pacing-system';
/** Short timings as in the integration stories: duration 4 s > deadline 3 s > 1.2 × retry 0.5 s. */
const timings = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 };

/** A replica's view of the shared Lease store; `crash()` makes every later call fail, like a killed process. */
function replicaClient(store: FakeLeaseClient): LeaseClient & { crash(): void } {
  let isDead = false;
  const check = () => {
    if (isDead) throw new Error('process is gone');
  };
  return {
    crash: () => {
      isDead = true;
    },
    get: async (ns, name) => (check(), store.get(ns, name)),
    create: async (ns, lease: V1Lease) => (check(), store.create(ns, lease)),
    replace: async (ns, name, lease: V1Lease) => (check(), store.replace(ns, name, lease)),
    list: async (ns) => (check(), store.list(ns)),
  };
}

function aReplica(identity: string, clock: FakeClock, store: FakeLeaseClient, shardCount = 3) {
  const client = replicaClient(store);
  const registry = new Registry();
  const handBacks: { shard: number; wasHeld: boolean }[] = [];
  const handedBack: { shard: number; isHeld: boolean }[] = [];
  const coordinator: ShardCoordinator = new ShardCoordinator({
    beforeHandBack: async (shard) => {
      handBacks.push({ shard, wasHeld: coordinator.shards.holdsShard(shard, clock.nowMs()) });
    },
    onShardHandedBack: (shard) => {
      handedBack.push({ shard, isHeld: coordinator.shards.holdsShard(shard, clock.nowMs()) });
    },
    namespace: NS,
    name: 'op',
    shardCount,
    identity,
    leaseClient: client,
    clock,
    random: () => 0.5,
    registry,
    logger: pino({ level: 'silent' }),
    ...timings,
  });
  return { identity, coordinator, client, registry, handBacks, handedBack };
}

const heldBy = (replica: ReturnType<typeof aReplica>, clock: FakeClock) =>
  [0, 1, 2].filter((shard) => replica.coordinator.shards.holdsShard(shard, clock.nowMs()));

describe('ShardCoordinator', () => {
  it('refuses fewer than two shards (one shard is the plain Lease)', () => {
    const clock = new FakeClock();
    expect(() => aReplica('a', clock, new FakeLeaseClient(), 1)).toThrow(ControllerConfigError);
  });

  it('spreads three shards over three replicas, one each, every shard held by exactly one', async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseClient();
    const replicas = ['a', 'b', 'c'].map((id) => aReplica(id, clock, store));
    for (const r of replicas) r.coordinator.start();

    await clock.advance(20_000);

    expect(replicas.map((r) => heldBy(r, clock).length)).toEqual([1, 1, 1]);
    expect(replicas.flatMap((r) => heldBy(r, clock)).sort()).toEqual([0, 1, 2]);
    const holders = replicas[0]!.coordinator.holders().map((h) => h.holder);
    expect(new Set(holders)).toEqual(new Set(['a', 'b', 'c']));
    expect(await replicas[0]!.registry.getSingleMetricAsString('pacing_shards_held')).toContain(
      'pacing_shards_held{lease="op"} 1',
    );
    await Promise.all(replicas.map((r) => r.coordinator.stop()));
  });

  it('lets a lone replica take every shard, then hands shards back as peers join', async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseClient();
    const a = aReplica('a', clock, store);
    a.coordinator.start();
    await clock.advance(10_000);
    const heldAlone = heldBy(a, clock);

    const b = aReplica('b', clock, store);
    const c = aReplica('c', clock, store);
    b.coordinator.start();
    c.coordinator.start();
    await clock.advance(20_000);

    expect(heldAlone).toEqual([0, 1, 2]);
    expect([a, b, c].map((r) => heldBy(r, clock).length)).toEqual([1, 1, 1]);
    // Shards are handed back while still held (so their learned state can be saved first), highest first.
    expect(a.handBacks.map((h) => h.shard).sort()).toEqual([1, 2]);
    expect(a.handBacks.every((h) => h.wasHeld)).toBe(true);
    // … and told once released, no longer held.
    expect(a.handedBack.map((h) => h.shard).sort()).toEqual([1, 2]);
    expect(a.handedBack.every((h) => !h.isHeld)).toBe(true);
    expect([b, c].flatMap((r) => r.handedBack)).toEqual([]);
    await Promise.all([a, b, c].map((r) => r.coordinator.stop()));
  });

  it('re-homes the shard of a crashed replica within about a lease duration, never two holders at once', async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseClient();
    const replicas = ['a', 'b', 'c'].map((id) => aReplica(id, clock, store));
    for (const r of replicas) r.coordinator.start();
    await clock.advance(20_000);
    const victim = replicas.find((r) => heldBy(r, clock).length === 1)!;
    const orphan = heldBy(victim, clock)[0]!;
    const survivors = replicas.filter((r) => r !== victim);

    victim.client.crash();
    const crashedAtMs = clock.nowMs();
    let rehomedAfterMs: number | undefined;
    let overlaps = 0;
    while (clock.nowMs() - crashedAtMs < 20_000) {
      await clock.advance(100);
      const holders = replicas.filter((r) => r.coordinator.shards.holdsShard(orphan, clock.nowMs()));
      if (holders.length > 1) overlaps += 1;
      if (rehomedAfterMs === undefined && survivors.some((r) => holders.includes(r)))
        rehomedAfterMs = clock.nowMs() - crashedAtMs;
    }

    expect(overlaps).toBe(0);
    // Lease duration 4 s, plus up to two jittered retries (≈ 1.1 s each) to notice and take it.
    expect(rehomedAfterMs).toBeLessThanOrEqual(4000 + 2 * 1100);
    expect(survivors.map((r) => heldBy(r, clock).length).sort()).toEqual([1, 2]);
    await Promise.all(survivors.map((r) => r.coordinator.stop()));
  });

  it('releases its shards and its membership on stop, so peers take over at once', async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseClient();
    const [a, b] = ['a', 'b'].map((id) => aReplica(id, clock, store, 2)) as [
      ReturnType<typeof aReplica>,
      ReturnType<typeof aReplica>,
    ];
    a.coordinator.start();
    b.coordinator.start();
    await clock.advance(20_000);

    await a.coordinator.stop();
    await clock.advance(3000);

    expect([0, 1].filter((s) => b.coordinator.shards.holdsShard(s, clock.nowMs()))).toEqual([0, 1]);
    await b.coordinator.stop();
  });
});
