import fc from 'fast-check';
import type { EngineStatsSnapshot, TargetConfig } from '../../../src/engine/index.js';
import {
  fencingTokensOf,
  heldTargets,
  peersSharing,
  selectionOf,
  snapshotOfHeld,
} from '../../../src/engine/sharded-cycle-plan.js';
import { aQueue } from '../../support/virtual-queue-fixture.js';
import { aTarget, ShardSwitchFence } from './engine-fakes.js';

// The plain definitions the cached plan must agree with (what a cycle computed from scratch before the plan).
function heldByDefinition(targets: readonly TargetConfig[], fence: ShardSwitchFence): TargetConfig[] {
  return targets.filter((t) => fence.held.has(fence.shards.shardOf(t.key)));
}

function peersByDefinition(
  all: readonly TargetConfig[],
  held: readonly TargetConfig[],
  cut: EngineStatsSnapshot,
): TargetConfig[] | undefined {
  if (all.length === held.length) return undefined;
  const mine = new Set(held);
  const ids = new Set(cut.agents.map((a) => a.id));
  const names = new Set(cut.agents.flatMap((a) => a.groups));
  return all.filter(
    (t) =>
      !mine.has(t) &&
      t.groups.some((g) =>
        g.agents !== undefined
          ? g.agents.some((id) => ids.has(id))
          : g.skillExpression !== undefined || names.has(g.name),
      ),
  );
}

function cutByDefinition(snapshot: EngineStatsSnapshot, held: readonly TargetConfig[]): EngineStatsSnapshot {
  if (held.some((t) => t.groups.some((g) => g.agents === undefined))) return snapshot;
  const ids = new Set(held.flatMap((t) => t.groups.flatMap((g) => g.agents ?? [])));
  const queues = new Set(held.map((t) => `${t.virtualQueue}:${t.media}`));
  return {
    ...snapshot,
    agents: snapshot.agents.filter((a) => ids.has(a.id)),
    virtualQueues: snapshot.virtualQueues.filter((q) => queues.has(`${q.name}:${q.media}`)),
  };
}

const agentOf = (id: string, groups: string[] = []): EngineStatsSnapshot['agents'][number] => ({
  id,
  groups,
  skills: {},
  media: { chat: { state: 'ready', capacity: 1, load: 0 } },
});

const snapshotOf = (
  agents: EngineStatsSnapshot['agents'],
  virtualQueues: EngineStatsSnapshot['virtualQueues'] = [],
): EngineStatsSnapshot => ({ snapshotTime: '2026-11-27T04:00:00.000Z', agents, virtualQueues });

describe('heldTargets', () => {
  const targets = ['a', 'b', 'c', 'd'].map((name) => aTarget(name));
  const fence = new ShardSwitchFence(
    { 'tenant-a/a': 0, 'tenant-a/b': 1, 'tenant-a/c': 0, 'tenant-a/d': 2 },
    3,
  );

  it('answers the same array every cycle while the list and the held shards stay the same', () => {
    fence.held = new Set([0]);
    const first = heldTargets(targets, fence, 0);

    expect(first.map((t) => t.key)).toEqual(['tenant-a/a', 'tenant-a/c']);
    expect(heldTargets(targets, fence, 5000)).toBe(first);
    // The publish-time check of the held list answers that list itself when nothing was lost.
    expect(heldTargets(first, fence, 5100)).toBe(first);
  });

  it('follows a change of the held shards, of the list and of the sharding', () => {
    fence.held = new Set([0]);
    const before = heldTargets(targets, fence, 0);
    fence.held = new Set([0, 2]);

    expect(heldTargets(targets, fence, 0).map((t) => t.key)).toEqual([
      'tenant-a/a',
      'tenant-a/c',
      'tenant-a/d',
    ]);
    fence.held = new Set([1]);
    expect(heldTargets(targets, fence, 0).map((t) => t.key)).toEqual(['tenant-a/b']);
    // Another sharding of the same list (unknown keys fall in shard 0).
    const other = new ShardSwitchFence({ 'tenant-a/d': 1 }, 3);
    other.held = new Set([0]);
    expect(heldTargets(targets, other, 0).map((t) => t.key)).toEqual([
      'tenant-a/a',
      'tenant-a/b',
      'tenant-a/c',
    ]);
    // A new list (a spec changed): derived again, not taken from the old list's.
    fence.held = new Set([0]);
    const again = heldTargets([...targets], fence, 0);
    expect(again).toEqual(before);
    expect(again).not.toBe(before);
  });

  it('answers the whole list when every shard is held, none when none is, and the list unsharded', () => {
    fence.held = new Set([0, 1, 2]);
    expect(heldTargets(targets, fence, 0)).toBe(targets);
    fence.held = new Set();
    expect(heldTargets(targets, fence, 0)).toEqual([]);
    expect(heldTargets(targets, { holdsValidLease: () => false }, 0)).toBe(targets);
  });

  it('keeps only the shards asked for, and those held alone since the given time', () => {
    fence.held = new Set([0, 1, 2]);
    fence.heldSince.set(1, 2000);

    expect(heldTargets(targets, fence, 3000, 1000).map((t) => t.key)).toEqual([
      'tenant-a/a',
      'tenant-a/c',
      'tenant-a/d',
    ]);
    expect(heldTargets(targets, fence, 3000, 2000, new Set([1])).map((t) => t.key)).toEqual(['tenant-a/b']);
    fence.heldSince.clear();
  });

  it('gives each target of a list the fencing token of its shard', () => {
    fence.held = new Set([0, 1, 2]);
    fence.tokens.set(0, 'rv-0').set(2, 'rv-2');
    const tokenOf = fencingTokensOf(targets, fence);

    expect(targets.map((_, i) => tokenOf(i))).toEqual(['rv-0', undefined, 'rv-0', 'rv-2']);
  });
});

describe('the held targets plan', () => {
  it('asks for the agents, groups, expressions and queues of the held targets, once per held list', () => {
    const held = [
      aTarget('sales', { groups: [{ name: 'list', agents: ['a-1', 'a-2'] }] }),
      aTarget('billing', { groups: [{ name: 'es', skillExpression: 'Spanish > 5' }, { name: 'billing' }] }),
    ];

    const selection = selectionOf(held);
    expect(selection).toEqual({
      agentIds: ['a-1', 'a-2'],
      agentGroups: ['billing'],
      skillExpressions: ['Spanish > 5'],
      virtualQueues: ['sales', 'billing'],
    });
    expect(selectionOf(held)).toBe(selection);
  });

  it('cuts the snapshot to the held agents and the queues with their media', () => {
    const held = [aTarget('sales', { groups: [{ name: 'list', agents: ['a-1'] }] })];
    const snapshot = snapshotOf(
      [agentOf('a-1'), agentOf('a-2')],
      [aQueue('sales'), aQueue('sales', { media: 'voice' }), aQueue('support')],
    );

    const cut = snapshotOfHeld(snapshot, held);
    expect(cut.agents.map((a) => a.id)).toEqual(['a-1']);
    expect(cut.virtualQueues.map((q) => `${q.name}:${q.media}`)).toEqual(['sales:chat']);
  });

  it('indexes the peers again for a new list of the cluster', () => {
    const mine = aTarget('sales', { groups: [{ name: 'list', agents: ['a-1'] }] });
    const peer = aTarget('support', { groups: [{ name: 'list', agents: ['a-1'] }] });
    const apart = aTarget('billing', { groups: [{ name: 'list', agents: ['a-2'] }] });
    const held = [mine];
    const cut = snapshotOf([agentOf('a-1')]);

    expect(peersSharing([mine, apart], held, cut)).toEqual([]);
    expect(peersSharing([mine, peer, apart], held, cut)).toEqual([peer]);
  });

  it('agrees with the plain definitions for any cluster, shard split and snapshot', () => {
    const agentIds = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'];
    const groupNames = ['blended', 'sales', 'night'];
    const group = fc.oneof(
      fc.record({ name: fc.constantFrom(...groupNames), agents: fc.subarray(agentIds) }),
      fc.record({ name: fc.constantFrom(...groupNames), skillExpression: fc.constant('Spanish > 5') }),
      fc.record({ name: fc.constantFrom(...groupNames) }),
    );
    const target = fc.record({
      groups: fc.array(group, { minLength: 1, maxLength: 3 }),
      queue: fc.constantFrom('q-1', 'q-2', 'q-3'),
      media: fc.constantFrom('chat', 'voice'),
      shard: fc.integer({ min: 0, max: 2 }),
    });
    const agent = fc.record({ id: fc.constantFrom(...agentIds), groups: fc.subarray(groupNames) });
    fc.assert(
      fc.property(
        fc.array(target, { minLength: 1, maxLength: 8 }),
        fc.subarray([0, 1, 2], { minLength: 1 }),
        fc.uniqueArray(agent, { selector: (a) => a.id }),
        (specs, heldShards, agents) => {
          const shardByKey: Record<string, number> = {};
          const all = specs.map((spec, i) => {
            shardByKey[`tenant-a/t-${i}`] = spec.shard;
            return aTarget(`t-${i}`, { virtualQueue: spec.queue, media: spec.media, groups: spec.groups });
          });
          const fence = new ShardSwitchFence(shardByKey, 3);
          fence.held = new Set(heldShards);
          const snapshot = snapshotOf(
            agents.map((a) => agentOf(a.id, a.groups)),
            ['q-1', 'q-2', 'q-3'].flatMap((q) => [aQueue(q), aQueue(q, { media: 'voice' })]),
          );

          const held = heldTargets(all, fence, 0);
          expect(held).toEqual(heldByDefinition(all, fence));
          // Twice: the second answer comes from what the first derived.
          for (let round = 0; round < 2; round++) {
            const cut = snapshotOfHeld(snapshot, held);
            expect(cut).toEqual(cutByDefinition(snapshot, held));
            expect(peersSharing(all, held, cut)).toEqual(peersByDefinition(all, held, cut));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
