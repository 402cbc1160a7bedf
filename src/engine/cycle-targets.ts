import { fencingTokenOf, holdsTarget, type LeaseFence } from './lease-fence.js';
import type { EngineStatsSelection } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/** The index in `all` of each of `some`, a subsequence of `all` in the same order. */
export function indexesIn(all: readonly TargetConfig[], some: readonly TargetConfig[]): readonly number[] {
  const at = new Array<number>(some.length);
  if (some === all) {
    for (let i = 0; i < all.length; i++) at[i] = i;
    return at;
  }
  for (let i = 0, s = 0; i < all.length && s < some.length; i++) if (all[i] === some[s]) at[s++] = i;
  return at;
}

/** A target's fencing token by key: one lookup for the whole cycle unsharded, one per shard when sharded. */
export function fencingTokens(fence: LeaseFence): (targetKey: string) => string | undefined {
  if (fence.shards === undefined) {
    const token = fence.fencingToken?.();
    return () => token;
  }
  return (targetKey) => fencingTokenOf(fence, targetKey);
}

/** The group names a target is published with, kept per target config (which lives until its spec changes). */
const groupNames = new WeakMap<TargetConfig, readonly string[]>();
export function groupNamesOf(target: TargetConfig): readonly string[] {
  let names = groupNames.get(target);
  if (names === undefined) {
    names = target.groups.map((g) => g.name);
    groupNames.set(target, names);
  }
  return names;
}

/** Unsharded every target follows the one lease (checked as a whole); sharded, each its shard's lease. */
export function heldTargets(
  targets: readonly TargetConfig[],
  fence: LeaseFence,
  nowMs: number,
  heldSinceAtMostMs?: number,
  onlyShards?: ReadonlySet<number>,
): readonly TargetConfig[] {
  const shards = fence.shards;
  if (shards === undefined) return targets;
  return targets.filter(
    (t) =>
      (onlyShards === undefined || onlyShards.has(shards.shardOf(t.key))) &&
      holdsTarget(fence, t.key, nowMs, heldSinceAtMostMs),
  );
}

/**
 * What the held targets read from the statistics source: the agents of their groups (by id, group name or skill
 * expression) and their virtual queues. Every agent a held target resolves to is in the answer, and with it every
 * peer target that shares it, so the shared-capacity split of those agents is the one the whole snapshot gives.
 */
export function selectionOf(targets: readonly TargetConfig[]): EngineStatsSelection {
  const agentIds = new Set<string>();
  const agentGroups = new Set<string>();
  const skillExpressions = new Set<string>();
  const virtualQueues = new Set<string>();
  for (const target of targets) {
    virtualQueues.add(target.virtualQueue);
    for (const group of target.groups) {
      if (group.agents !== undefined) for (const id of group.agents) agentIds.add(id);
      else if (group.skillExpression !== undefined) skillExpressions.add(group.skillExpression);
      else agentGroups.add(group.name);
    }
  }
  return {
    agentIds: [...agentIds],
    agentGroups: [...agentGroups],
    skillExpressions: [...skillExpressions],
    virtualQueues: [...virtualQueues],
  };
}
