import type { PacingMetrics } from '../metrics/index.js';
import { pendingInvitationsOf, type CycleOutcome, type CycleOutcomeSink } from './cycle-outcome.js';

/** The PacingTarget name in a `namespace/name` key (the `target` label of the pacing metrics). */
function targetName(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/**
 * Every cycle's numbers go to metrics (status only gets a sample): invitations, free slots, pending, ratios per
 * target, the cycle duration, and skipped slots by reason. Targets that left a cluster lose their series.
 */
export class MetricsOutcomeSink implements CycleOutcomeSink {
  readonly #metrics: PacingMetrics;
  readonly #targetsByCluster = new Map<string, Set<string>>();

  constructor(metrics: PacingMetrics) {
    this.#metrics = metrics;
  }

  /** Records one published cycle. */
  cycleCompleted(outcome: CycleOutcome): void {
    const cluster = outcome.clusterKey;
    this.#metrics.recordCycle(cluster, outcome.durationMs / 1000);
    if (!outcome.isPublished) return;
    const seen = new Set<string>();
    for (const target of outcome.targets) {
      const name = targetName(target.key);
      seen.add(name);
      this.#metrics.recordTarget(cluster, name, {
        invitesAllowed: target.invites,
        freeSlots: target.figures?.freeSlots ?? 0,
        pendingInvitations: pendingInvitationsOf(target) ?? 0,
        abandonmentRatio: target.figures?.abandonRatio,
        occupancyRatio: target.figures?.occupancy,
        waitingInteractions: target.figures?.waiting,
        abandonmentGoalRatio: target.optimizationGoalPercent / 100,
      });
    }
    const previous = this.#targetsByCluster.get(cluster) ?? new Set<string>();
    if (outcome.isCatchUp === true) {
      // A catch-up cycle paces only the shards just gained; the slot's own cycle still covers the others.
      for (const name of seen) previous.add(name);
      this.#targetsByCluster.set(cluster, previous);
      return;
    }
    for (const name of previous) {
      if (!seen.has(name)) this.#metrics.forgetTarget(cluster, name);
    }
    this.#targetsByCluster.set(cluster, seen);
  }

  /** Counts skipped slots. */
  cyclesSkipped(clusterKey: string, count: number, reason: 'Overrun' | 'NotLeader'): void {
    this.#metrics.recordCyclesSkipped(clusterKey, reason, count);
  }

  /** Drops a stopped cluster's series. */
  workerStopped(clusterKey: string): void {
    this.#metrics.forgetCluster(clusterKey, [...(this.#targetsByCluster.get(clusterKey) ?? [])]);
    this.#targetsByCluster.delete(clusterKey);
  }
}
