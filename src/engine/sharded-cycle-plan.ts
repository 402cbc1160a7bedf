import { holdsShardSince, type LeaseFence, type ShardFence } from './lease-fence.js';
import type { EngineStatsSelection, EngineStatsSnapshot } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

// A sharded replica's cycle used to derive, from the whole cluster's target list, the targets it holds, what to ask
// the statistics source for, the cut of the snapshot and the peers that may share an agent, every cycle: at 30,000
// targets on three replicas that was more CPU than the decision itself (hashing 30,000 keys twice, sets of 50,000
// agent ids three times). All of it depends only on the target list (the worker's array, replaced when a spec
// changes) and on the shards held, so it is kept per list and per held set. Unsharded, none of it runs.

/** What is known of one target list under one sharding: each target's shard and the held lists seen. */
interface ListShards {
  readonly shardAt: Uint32Array;
  /** The held sublists, by the held shards (`0,2`): the same array every cycle while nothing changes. */
  readonly heldBy: Map<string, readonly TargetConfig[]>;
}

/** What is derived from one held list (the same array every cycle, see ListShards.heldBy). */
interface HeldPlan {
  selection?: EngineStatsSelection;
  /** Undefined until derived; null when a group is not an agent list (the whole snapshot is kept then). */
  cut?: HeldCut | null;
  peers?: PeerIndex;
}

/** The agents and virtual queues the held targets name, when every group lists its agents. */
interface HeldCut {
  readonly agentIds: ReadonlySet<string>;
  /** Virtual queue name to the media of the held targets on it (a list: mostly one, and a Set costs 200 bytes). */
  readonly queueMedia: ReadonlyMap<string, readonly string[]>;
}

/** Which peers (targets of the list not held) may share an agent, by what they match on. */
interface PeerIndex {
  readonly all: readonly TargetConfig[];
  /** Peers with a skill-expression group: such a group may match any agent. */
  readonly always: readonly number[];
  /** Agent id to the peers listing it (only the ids the cut can hold, when there is a cut). */
  readonly byAgent: ReadonlyMap<string, readonly number[]>;
  /** Group name to the peers with a group of that name and no agent list. */
  readonly byGroup: ReadonlyMap<string, readonly number[]>;
}

// At most this many held sets per list (3 shards give 7 non-empty ones): a replica holds a handful in its life.
const MAX_HELD_SETS = 16;
const NONE: readonly TargetConfig[] = Object.freeze([]);

// By sharding first: replicas in one process (tests, benchmarks) share target lists but not fences.
const listShards = new WeakMap<ShardFence, WeakMap<readonly TargetConfig[], ListShards>>();
const heldPlans = new WeakMap<readonly TargetConfig[], HeldPlan>();

/**
 * The targets this instance may pace at `nowMs`: unsharded every target (the one lease is checked as a whole);
 * sharded those of the shards it holds (and, when `heldSinceAtMostMs` is given, has held alone since then at the
 * latest), only those in `onlyShards` when given. Sharded, the same array comes back while the list and the held
 * shards stay the same, so what is derived from it is derived once.
 */
export function heldTargets(
  targets: readonly TargetConfig[],
  fence: LeaseFence,
  nowMs: number,
  heldSinceAtMostMs?: number,
  onlyShards?: ReadonlySet<number>,
): readonly TargetConfig[] {
  const shards = fence.shards;
  if (shards === undefined) return targets;
  const known = shardsOfList(targets, shards);
  const isHeld: boolean[] = [];
  const heldShards: number[] = [];
  for (let shard = 0; shard < shards.count; shard++) {
    const held =
      (onlyShards === undefined || onlyShards.has(shard)) &&
      holdsShardSince(shards, shard, nowMs, heldSinceAtMostMs);
    isHeld.push(held);
    if (held) heldShards.push(shard);
  }
  if (heldShards.length === 0) return NONE;
  const key = heldShards.join(',');
  let held = known.heldBy.get(key);
  if (held === undefined) {
    const { shardAt } = known;
    const some = targets.filter((_, i) => isHeld[shardAt[i]!]);
    held = some.length === targets.length ? targets : some;
    if (known.heldBy.size >= MAX_HELD_SETS) known.heldBy.clear();
    known.heldBy.set(key, held);
  }
  return held;
}

/** A fencing token per target of `targets` (by index): its shard Lease's, or unsharded the one Lease's. */
export function fencingTokensOf(
  targets: readonly TargetConfig[],
  fence: LeaseFence,
): (index: number) => string | undefined {
  const shards = fence.shards;
  if (shards === undefined) {
    const token = fence.fencingToken?.();
    return () => token;
  }
  const { shardAt } = shardsOfList(targets, shards);
  const tokens = Array.from({ length: shards.count }, (_, shard) => shards.fencingToken?.(shard));
  return (index) => tokens[shardAt[index]!];
}

/**
 * What the held targets read from the statistics source: the agents of their groups (by id, group name or skill
 * expression) and their virtual queues. Every agent a held target resolves to is in the answer, and with it every
 * peer target that shares it, so the shared-capacity split of those agents is the one the whole snapshot gives.
 */
export function selectionOf(held: readonly TargetConfig[]): EngineStatsSelection {
  const plan = planOf(held);
  if (plan.selection !== undefined) return plan.selection;
  const agentIds = new Set<string>();
  const agentGroups = new Set<string>();
  const skillExpressions = new Set<string>();
  const virtualQueues = new Set<string>();
  for (const target of held) {
    virtualQueues.add(target.virtualQueue);
    for (const group of target.groups) {
      if (group.agents !== undefined) for (const id of group.agents) agentIds.add(id);
      else if (group.skillExpression !== undefined) skillExpressions.add(group.skillExpression);
      else agentGroups.add(group.name);
    }
  }
  plan.selection = {
    agentIds: [...agentIds],
    agentGroups: [...agentGroups],
    skillExpressions: [...skillExpressions],
    virtualQueues: [...virtualQueues],
  };
  return plan.selection;
}

/**
 * The snapshot cut down to the agents and queues the held targets name, so that a replica's decision costs in
 * proportion to its own shards, not to the whole cluster's snapshot. Only when every group is an agent list: a
 * skill expression or a group name may match any agent, so then the whole snapshot is kept. The decision is the
 * same either way: agent lists resolve by id, and shared capacity is split among every target of the cluster
 * (peers' targets included, see peersSharing), so no agent outside the cut matters to the split.
 */
export function snapshotOfHeld(
  snapshot: EngineStatsSnapshot,
  held: readonly TargetConfig[],
): EngineStatsSnapshot {
  const cut = cutOf(held);
  if (cut === null) return snapshot;
  const { agentIds, queueMedia } = cut;
  return {
    ...snapshot,
    agents: snapshot.agents.filter((a) => agentIds.has(a.id)),
    virtualQueues: snapshot.virtualQueues.filter((q) => queueMedia.get(q.name)?.includes(q.media) === true),
  };
}

/**
 * The targets of `all` this instance does not decide (their shards belong to peers) that may share an agent of
 * the cut snapshot: a peer none of whose groups can match one of its agents takes no part in their split, and
 * observing it would only cost (20,000 peers of a 30,000-target cluster on three shards). A skill expression may
 * match any agent, so such a peer is always kept. Undefined when every target is held. In `all`'s order.
 */
export function peersSharing(
  all: readonly TargetConfig[],
  held: readonly TargetConfig[],
  cut: EngineStatsSnapshot,
): readonly TargetConfig[] | undefined {
  if (all.length === held.length) return undefined;
  const plan = planOf(held);
  if (plan.peers?.all !== all) plan.peers = indexPeers(all, held, cutOf(held));
  const { always, byAgent, byGroup } = plan.peers;
  if (byAgent.size === 0 && byGroup.size === 0) return always.map((i) => all[i]!);
  const shares = new Uint8Array(all.length);
  for (const i of always) shares[i] = 1;
  for (const agent of cut.agents) {
    const listing = byAgent.get(agent.id);
    if (listing !== undefined) for (const i of listing) shares[i] = 1;
    if (byGroup.size === 0) continue;
    for (const group of agent.groups) {
      const named = byGroup.get(group);
      if (named !== undefined) for (const i of named) shares[i] = 1;
    }
  }
  const peers: TargetConfig[] = [];
  for (let i = 0; i < all.length; i++) if (shares[i] === 1) peers.push(all[i]!);
  return peers;
}

function shardsOfList(targets: readonly TargetConfig[], shards: ShardFence): ListShards {
  let lists = listShards.get(shards);
  if (lists === undefined) listShards.set(shards, (lists = new WeakMap()));
  let known = lists.get(targets);
  if (known === undefined) {
    const shardAt = new Uint32Array(targets.length);
    for (let i = 0; i < targets.length; i++) shardAt[i] = shards.shardOf(targets[i]!.key);
    known = { shardAt, heldBy: new Map() };
    lists.set(targets, known);
  }
  return known;
}

function planOf(held: readonly TargetConfig[]): HeldPlan {
  let plan = heldPlans.get(held);
  if (plan === undefined) {
    plan = {};
    heldPlans.set(held, plan);
  }
  return plan;
}

function cutOf(held: readonly TargetConfig[]): HeldCut | null {
  const plan = planOf(held);
  if (plan.cut !== undefined) return plan.cut;
  const agentIds = new Set<string>();
  const queueMedia = new Map<string, string[]>();
  for (const target of held) {
    for (const group of target.groups) {
      if (group.agents === undefined) return (plan.cut = null);
      for (const id of group.agents) agentIds.add(id);
    }
    const media = queueMedia.get(target.virtualQueue);
    if (media === undefined) queueMedia.set(target.virtualQueue, [target.media]);
    else if (!media.includes(target.media)) media.push(target.media);
  }
  return (plan.cut = { agentIds, queueMedia });
}

/** Indexes the peers of `held` in `all` by what they match; with a cut, agents outside it are left out. */
function indexPeers(
  all: readonly TargetConfig[],
  held: readonly TargetConfig[],
  cut: HeldCut | null,
): PeerIndex {
  const mine = new Set(held);
  const always: number[] = [];
  const byAgent = new Map<string, number[]>();
  const byGroup = new Map<string, number[]>();
  const add = (index: Map<string, number[]>, key: string, i: number): void => {
    const peers = index.get(key);
    if (peers === undefined) index.set(key, [i]);
    else if (peers[peers.length - 1] !== i) peers.push(i);
  };
  for (let i = 0; i < all.length; i++) {
    const target = all[i]!;
    if (mine.has(target)) continue;
    let isAlways = false;
    for (const group of target.groups) {
      if (group.agents !== undefined) {
        for (const id of group.agents) if (cut === null || cut.agentIds.has(id)) add(byAgent, id, i);
      } else if (group.skillExpression !== undefined) isAlways = true;
      else add(byGroup, group.name, i);
    }
    if (isAlways) always.push(i);
  }
  return { all, always, byAgent, byGroup };
}
