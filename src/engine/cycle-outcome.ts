import type { TargetFigures } from './pacing-decider.js';

/**
 * Why a target got the invitations it got. `Paced` and the decider's own reasons pass through in
 * {@link TargetOutcome.detailReason}; this coarse reason drives conditions.
 * - `Paced`: the policy decided (possibly 0, for example when nothing is free).
 * - `Paused`: the target's spec says paused.
 * - `StatsUnavailable` / `StatsStale`: fail-safe, 0 invitations.
 * - `PolicyFailed`: the decider threw or skipped the target; fail-safe, 0 invitations.
 * - `EngagementUnreachable`: the exchange failed; nothing was allowed.
 * - `EngagementRejected`: the platform refused this target's allowance.
 * - `LeaseLost`: the lease (or the target's shard) was lost before publishing, or the platform refused the
 *   publish's fencing token because a newer leader published since (detail `STALE_FENCE`); nothing was applied.
 */
export const targetOutcomeReasons = [
  'Paced',
  'Paused',
  'StatsUnavailable',
  'StatsStale',
  'PolicyFailed',
  'EngagementUnreachable',
  'EngagementRejected',
  'LeaseLost',
] as const;

/** A coarse reason of a target outcome. */
export type TargetOutcomeReason = (typeof targetOutcomeReasons)[number];

/** What one cycle did for one target. */
export interface TargetOutcome {
  /** `namespace/name` of the PacingTarget. */
  readonly key: string;
  /** Target id on the wire. */
  readonly id: string;
  /** Invitations allowed by the published request (0 whenever a fail-safe applied). */
  readonly invites: number;
  /** Coarse reason. */
  readonly reason: TargetOutcomeReason;
  /** The decider's reason when it decided, otherwise equal to `reason`. */
  readonly detailReason: string;
  /** Human-readable explanation naming the source at fault. */
  readonly message: string;
  /** The abandonment goal in force, in percent (the cluster default applied). */
  readonly optimizationGoalPercent: number;
  /** Observed figures; undefined when no fresh statistics were available. */
  readonly figures?: TargetFigures | undefined;
  /**
   * Pending invitations the platform reported in this cycle's answer; `figures.pending` is what the decision saw
   * (the previous answer's). Read the latest with {@link pendingInvitationsOf}.
   */
  readonly reportedPending?: number | undefined;
}

/** The latest pending invitations known for a target with figures (this cycle's report, else the decision's). */
export function pendingInvitationsOf(target: TargetOutcome): number | undefined {
  return target.figures === undefined ? undefined : (target.reportedPending ?? target.figures.pending);
}

/** Health of one input of the cycle. */
export interface InputHealth {
  /** True when the input worked this cycle. */
  readonly isHealthy: boolean;
  /** PascalCase reason (`Fetched`, `Unreachable`, `Stale`, `Exchanged`, `NotPublished`, …). */
  readonly reason: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** The failing client's stable error code (e.g. `PACING_ERR_ENGAGEMENT_AUTH`), when it had one. */
  readonly errorCode?: string | undefined;
}

/** What one cycle did for a whole cluster: the unit every outcome sink receives. */
export interface CycleOutcome {
  /** `namespace/name` of the PacingCluster. */
  readonly clusterKey: string;
  /** The cycle's id. */
  readonly cycleId: number;
  /** Wall-clock ms the cycle's slot started. */
  readonly slotStartMs: number;
  /** Wall-clock ms the cycle actually started. */
  readonly startedAtMs: number;
  /** How long it took, in ms. */
  readonly durationMs: number;
  /** Where the time went: reading statistics, deciding, and fencing plus publishing (ms). */
  readonly phasesMs?: { readonly stats: number; readonly decide: number; readonly publish: number };
  /**
   * CPU time of the worker's thread in the same phases (ms), when the clock reads it. Deciding is the cycle's
   * own work alone; the two phases that wait for I/O also count what the thread ran meanwhile (watch events,
   * status writes). Wall time well above it means the cycle waited for a core.
   */
  readonly phasesCpuMs?: { readonly stats: number; readonly decide: number; readonly publish: number };
  /** True when the allowances went out under a valid lease (whether or not the platform answered). */
  readonly isPublished: boolean;
  /** Statistics health; `ageMs` is the snapshot age when one was fetched. */
  readonly stats: InputHealth & { readonly ageMs?: number | undefined };
  /** Engagement health. */
  readonly engagement: InputHealth;
  /** Per-target outcomes, in target order (sharded: only the targets of the shards this instance holds). */
  readonly targets: readonly TargetOutcome[];
  /** Sharded only: how many targets the cluster has across every shard. */
  readonly clusterTargetCount?: number | undefined;
  /**
   * Sharded: whether this outcome speaks for a target (by its `namespace/name` key): true for the targets of the
   * shard the cycle paced and for those of shards this instance no longer holds. A target it does not speak for
   * belongs to a held shard paced by cycles of its own and keeps what they said. Absent: it speaks for every
   * target.
   */
  readonly speaksFor?: ((targetKey: string) => boolean) | undefined;
}

/** Consumer of cycle outcomes (metrics every cycle; status rate-limited; alarms). Must not throw. */
export interface CycleOutcomeSink {
  /** Called once per completed cycle. */
  cycleCompleted(outcome: CycleOutcome): void;
  /** Called when slots were skipped because the previous cycle overran them, or this replica does not lead. */
  cyclesSkipped(clusterKey: string, count: number, reason: 'Overrun' | 'NotLeader'): void;
  /** Called when the worker of a cluster stops, so sinks can drop what they keep about it and its targets. */
  workerStopped?(clusterKey: string, targetKeys: readonly string[]): void;
}
