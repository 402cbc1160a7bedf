import type { PacingMetrics } from '../metrics/index.js';
import { pendingInvitationsOf, type CycleOutcome, type CycleOutcomeSink } from './cycle-outcome.js';

/** The PacingTarget name in a `namespace/name` key (the `target` label of the pacing metrics). */
function targetName(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/** A target the sink has series for: its name (the `target` label) and the last cycle that reported it. */
interface SeenTarget {
  readonly name: string;
  cycle: number;
}

/**
 * Every cycle's numbers go to metrics (status only gets a sample): invitations, free slots, pending, ratios per
 * target, the cycle duration, and skipped slots by reason. Targets that left a cluster lose their series.
 */
export class MetricsOutcomeSink implements CycleOutcomeSink {
  readonly #metrics: PacingMetrics;
  /**
   * Per cluster, its targets by key, stamped with the last cycle that reported them: a full cycle leaves behind
   * only the targets it did not stamp (a Set of 10,000 names per cycle was garbage for the collector).
   */
  readonly #targetsByCluster = new Map<string, Map<string, SeenTarget>>();
  #cycles = 0;

  constructor(metrics: PacingMetrics) {
    this.#metrics = metrics;
  }

  /** Records one published cycle. */
  cycleCompleted(outcome: CycleOutcome): void {
    const cluster = outcome.clusterKey;
    this.#metrics.recordCycle(cluster, outcome.durationMs / 1000);
    if (!outcome.isPublished) return;
    const cycle = (this.#cycles += 1);
    let seen = this.#targetsByCluster.get(cluster);
    if (seen === undefined) this.#targetsByCluster.set(cluster, (seen = new Map()));
    for (const target of outcome.targets) {
      let known = seen.get(target.key);
      if (known === undefined) seen.set(target.key, (known = { name: targetName(target.key), cycle }));
      else known.cycle = cycle;
      this.#metrics.recordTarget(cluster, known.name, {
        invitesAllowed: target.invites,
        freeSlots: target.figures?.freeSlots ?? 0,
        pendingInvitations: pendingInvitationsOf(target) ?? 0,
        abandonmentRatio: target.figures?.abandonRatio,
        occupancyRatio: target.figures?.occupancy,
        waitingInteractions: target.figures?.waiting,
        abandonmentGoalRatio: target.optimizationGoalPercent / 100,
      });
    }
    // Sharded, a cycle paces one shard: the targets of the other held shards keep their series.
    seen.forEach((known, key) => {
      if (known.cycle === cycle || outcome.speaksFor?.(key) === false) return;
      this.#metrics.forgetTarget(cluster, known.name);
      seen.delete(key);
    });
  }

  /** Counts skipped slots. */
  cyclesSkipped(clusterKey: string, count: number, reason: 'Overrun' | 'NotLeader'): void {
    this.#metrics.recordCyclesSkipped(clusterKey, reason, count);
  }

  /** Drops a stopped cluster's series. */
  workerStopped(clusterKey: string): void {
    const seen = this.#targetsByCluster.get(clusterKey);
    this.#metrics.forgetCluster(clusterKey, seen === undefined ? [] : [...seen.values()].map((t) => t.name));
    this.#targetsByCluster.delete(clusterKey);
  }
}
