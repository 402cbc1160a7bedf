import type { AllowanceAnswer, EngagementTargetReport } from './engagement-exchange.js';
import type { LearnedState } from './learned-state.js';
import type { EngineStatsSnapshot } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/** Everything one decision needs, gathered by the engine before the pure pacing code runs. */
export interface DecisionInput {
  /** Wall-clock ms of the decision. */
  readonly nowMs: number;
  /** The cycle being decided. */
  readonly cycleId: number;
  /** Interval the invites are for, in ms. */
  readonly intervalMs: number;
  /** Policy name from the cluster spec. */
  readonly policy: string;
  /** A fresh snapshot (staleness was checked before). */
  readonly snapshot: EngineStatsSnapshot;
  /** The targets to decide for. */
  readonly targets: readonly TargetConfig[];
  /**
   * Sharded: the cluster's targets that peers decide. They take part in the shared-capacity split only, so that an
   * agent shared with a target of another shard is not promised in full by both replicas. Absent unsharded.
   */
  readonly capacityPeers?: readonly TargetConfig[] | undefined;
  /** The platform's latest report per target id (pending invitations and counters), from the last exchange. */
  readonly reports: ReadonlyMap<string, EngagementTargetReport>;
  /** Learned state per target id, from the previous cycle or the persisted store. */
  readonly learnedState: LearnedState;
}

/** Figures observed for one target, shown in status and metrics. */
export interface TargetFigures {
  /** Free slots of the target's agents for its media (after the shared-capacity split). */
  readonly freeSlots: number;
  /** Busy slots. */
  readonly busySlots: number;
  /** Proactive interactions waiting in the virtual queue. */
  readonly waiting: number;
  /** Pending invitations reported by the platform. */
  readonly pending: number;
  /** Observed abandonment ratio (0–1) over the policy's window; undefined before any accepted interaction. */
  readonly abandonRatio?: number | undefined;
  /** Occupancy ratio (0–1); undefined when nothing is staffed. */
  readonly occupancy?: number | undefined;
}

/** The decision for one target. */
export interface TargetDecision {
  /** Target id. */
  readonly id: string;
  /** Invitations allowed for the interval. */
  readonly invites: number;
  /** PascalCase reason from the guard chain or policy (for example `Paced`, `Paused`, `NoFreeSlots`). */
  readonly reason: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** What was observed. */
  readonly figures: TargetFigures;
}

/** The decider's result for a whole cluster. */
export interface DecisionOutput {
  /** One decision per target; a missing target gets 0 invitations. */
  readonly targets: readonly TargetDecision[];
  /** Next learned state per target id. */
  readonly learnedState: LearnedState;
}

/**
 * Port to the pure pacing code (observation builder, guard chain, policy). Must be deterministic and must not
 * do I/O; it throws only on a bug, which the engine turns into 0 invitations for every target.
 */
export interface PacingDecider {
  /** Decides the invitations of every target for one interval. */
  decide(input: DecisionInput): DecisionOutput;
}

/** Turns an exchange answer into the per-target report map the next decision reads. */
export function reportsById(answer: AllowanceAnswer): Map<string, EngagementTargetReport> {
  // A loop, not the Map constructor over pairs: no [id, report] array per target per cycle.
  const reports = new Map<string, EngagementTargetReport>();
  for (const report of answer.targets) reports.set(report.id, report);
  return reports;
}
