import type { CycleInput, CyclePorts } from './pacing-cycle.js';
import type { DecisionInput } from './pacing-decider.js';
import type { EngineStatsSnapshot } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/**
 * What the decider reads for `targets` (the held ones) in this cycle. Sharded, the snapshot is cut to what they
 * name, and the other shards' targets that may share their agents come along as capacity peers.
 */
export function decisionInputOf(
  input: CycleInput,
  targets: readonly TargetConfig[],
  ports: CyclePorts,
  snapshot: EngineStatsSnapshot,
): DecisionInput {
  const { cluster } = input;
  const cut = ports.fence.shards === undefined ? snapshot : snapshotOfHeld(snapshot, targets);
  return {
    nowMs: ports.clock.nowMs(),
    cycleId: input.cycleId,
    intervalMs: cluster.refreshPeriodMs,
    policy: cluster.policy,
    snapshot: cut,
    targets,
    capacityPeers: ports.fence.shards === undefined ? undefined : peersSharing(input.targets, targets, cut),
    reports: input.reports,
    learnedState: input.learnedState,
  };
}

/**
 * Sharded: the snapshot cut down to the agents and queues the held targets name, so that a replica's decision
 * costs in proportion to its own shards, not to the whole cluster's snapshot. Only when every group is an agent
 * list: a skill expression or a group name may match any agent, so then the whole snapshot is kept. The decision
 * is the same either way: agent lists resolve by id, and shared capacity is split among every target of the
 * cluster (peers' targets included, see capacityPeers), so no agent outside the cut matters to the split.
 */
export function snapshotOfHeld(
  snapshot: EngineStatsSnapshot,
  targets: readonly TargetConfig[],
): EngineStatsSnapshot {
  const agentIds = new Set<string>();
  for (const target of targets) {
    for (const group of target.groups) {
      if (group.agents === undefined) return snapshot;
      for (const id of group.agents) agentIds.add(id);
    }
  }
  const queues = new Set(targets.map((t) => `${t.virtualQueue}:${t.media}`));
  return {
    ...snapshot,
    agents: snapshot.agents.filter((a) => agentIds.has(a.id)),
    virtualQueues: snapshot.virtualQueues.filter((q) => queues.has(`${q.name}:${q.media}`)),
  };
}

/**
 * The cluster's targets this instance does not decide (their shards belong to peers) that may share an agent of
 * the cut snapshot: a peer none of whose groups can match one of its agents takes no part in their split, and
 * observing it would only cost (20,000 peers of a 30,000-target cluster on three shards). A skill expression may
 * match any agent, so such a peer is always kept.
 */
export function peersSharing(
  all: readonly TargetConfig[],
  held: readonly TargetConfig[],
  cut: EngineStatsSnapshot,
): TargetConfig[] | undefined {
  if (all.length === held.length) return undefined;
  const mine = new Set(held);
  const agentIds = new Set<string>();
  const groupNames = new Set<string>();
  for (const agent of cut.agents) {
    agentIds.add(agent.id);
    for (const group of agent.groups) groupNames.add(group);
  }
  const mayShare = (target: TargetConfig): boolean =>
    target.groups.some((group) =>
      group.agents !== undefined
        ? group.agents.some((id) => agentIds.has(id))
        : group.skillExpression !== undefined || groupNames.has(group.name),
    );
  return all.filter((t) => !mine.has(t) && mayShare(t));
}
