import { STALE_FENCE_CODE } from '../api/protocol/index.js';
import type { TargetOutcome, TargetOutcomeReason } from './cycle-outcome.js';
import type { EngagementTargetReport } from './engagement-exchange.js';
import type { TargetDecision } from './pacing-decider.js';
import type { TargetConfig } from './target-config.js';

/** Why no target of a cycle was decided: every one of them gets 0 invitations for this reason. */
export interface CycleFailure {
  readonly reason: TargetOutcomeReason;
  readonly message: string;
}

/**
 * What the decider said about each target of one cycle, held by target index until the exchange answered, so that
 * each target's outcome is built once, with its report, rather than once before and once after the exchange
 * (at 10,000 targets every intermediate object per target is garbage the collector must copy).
 */
export class CycleVerdicts {
  /**
   * Verdicts over no target that live as long as the process, kept for their shape only. Each cycle's own verdicts
   * die with the cycle, and V8 drops a shape no live object has at its next collections (at once in a
   * memory-reducing one), taking the code optimised for it along: `outcomeOf` and `invitesOf`, called for every
   * target of every cycle, lost theirs after almost every collection (docs/performance.md, twenty-ninth pass).
   */
  static readonly keptShape: CycleVerdicts = new CycleVerdicts([], [], undefined, '');

  readonly #targets: readonly TargetConfig[];
  readonly #decisions: readonly (TargetDecision | undefined)[];
  readonly #failure: CycleFailure | undefined;
  readonly #policy: string;

  private constructor(
    targets: readonly TargetConfig[],
    decisions: readonly (TargetDecision | undefined)[],
    failure: CycleFailure | undefined,
    policy: string,
  ) {
    this.#targets = targets;
    this.#decisions = decisions;
    this.#failure = failure;
    this.#policy = policy;
  }

  /** The decider's decisions for `targets` (matched by id, in any order; a missing one is a policy failure). */
  static decided(
    targets: readonly TargetConfig[],
    decisions: readonly TargetDecision[],
    policy: string,
  ): CycleVerdicts {
    return new CycleVerdicts(targets, alignById(targets, decisions), undefined, policy);
  }

  /** Nothing decided: every target gets 0 for `failure`. */
  static failed(targets: readonly TargetConfig[], failure: CycleFailure): CycleVerdicts {
    return new CycleVerdicts(targets, [], failure, '');
  }

  /** The invitations target `index` may send: what the decider allowed, within the invariants the engine owns. */
  invitesOf(index: number): number {
    // A failed cycle holds no decisions, so this is 0 for every target then.
    const decision = this.#decisions[index];
    return decision === undefined ? 0 : allowedInvites(this.#targets[index]!, decision);
  }

  /**
   * The outcome of target `index`: as decided, or 0 with the cycle's failure; with `report`, as the platform
   * answered (a refused target gets 0 and says why; pending invitations come from the report).
   */
  outcomeOf(index: number, report?: EngagementTargetReport): TargetOutcome {
    const target = this.#targets[index]!;
    const error = report?.error;
    if (error?.code === STALE_FENCE_CODE) {
      // Not the platform's fault nor the target's: a newer leader publishes it now, and this replica is about to
      // notice that it lost the lease. Reported as the fence would have, not as a rejection (no alarm).
      const message = `the engagement platform refused a stale fencing token for ${target.id}: another replica publishes it`;
      return this.zeroOf(index, 'LeaseLost', message, STALE_FENCE_CODE);
    }
    if (error !== undefined) {
      const message = `the engagement platform rejected ${target.id}: ${error.message}`;
      return this.zeroOf(index, 'EngagementRejected', message, error.code);
    }
    if (this.#failure !== undefined) return zeroOutcome(target, this.#failure.reason, this.#failure.message);
    const decision = this.#decisions[index];
    if (decision === undefined) {
      return zeroOutcome(
        target,
        'PolicyFailed',
        `the ${this.#policy} policy returned no decision for ${target.id}`,
      );
    }
    const reported = report === undefined ? {} : { reportedPending: report.pending };
    if (target.isPaused) {
      return {
        ...zeroOutcome(target, 'Paused', 'the target is paused'),
        figures: decision.figures,
        ...reported,
      };
    }
    return {
      key: target.key,
      id: target.id,
      optimizationGoalPercent: target.optimizationGoalPercent,
      invites: allowedInvites(target, decision),
      reason: 'Paced',
      detailReason: decision.reason,
      message: decision.message,
      figures: decision.figures,
      ...reported,
    };
  }

  /** Target `index` with 0 invitations for `reason`, keeping the figures its decision saw (if any). */
  zeroOf(
    index: number,
    reason: TargetOutcomeReason,
    message: string,
    detailReason: string = reason,
  ): TargetOutcome {
    const zero = zeroOutcome(this.#targets[index]!, reason, message, detailReason);
    const figures = this.#decisions[index]?.figures;
    return figures === undefined ? zero : { ...zero, figures };
  }
}

/** A target's outcome with 0 invitations for `reason` (and `detailReason`, by default the same) and no figures. */
export function zeroOutcome(
  target: TargetConfig,
  reason: TargetOutcomeReason,
  message: string,
  detailReason: string = reason,
): TargetOutcome {
  return {
    key: target.key,
    id: target.id,
    optimizationGoalPercent: target.optimizationGoalPercent,
    invites: 0,
    reason,
    detailReason,
    message,
  };
}

/** The engine re-checks the policy invariants it is responsible for: paused is 0, integer, ≥ 0, ≤ cap. */
function allowedInvites(target: TargetConfig, decision: TargetDecision): number {
  if (target.isPaused) return 0;
  const raw = Number.isFinite(decision.invites) ? Math.floor(decision.invites) : 0;
  return Math.min(Math.max(0, raw), target.maxInvitesPerInterval ?? Number.POSITIVE_INFINITY);
}

/**
 * The decisions in the order of `targets`. The decider answers in that order, so matching by position needs no
 * lookup table; only when it does not (another decider, a test) are they matched through a map by id.
 */
function alignById(
  targets: readonly TargetConfig[],
  decisions: readonly TargetDecision[],
): readonly (TargetDecision | undefined)[] {
  let isAligned = decisions.length === targets.length;
  for (let i = 0; isAligned && i < targets.length; i++) isAligned = decisions[i]!.id === targets[i]!.id;
  if (isAligned) return decisions;
  const byId = new Map<string, TargetDecision>();
  for (const decision of decisions) byId.set(decision.id, decision);
  return targets.map((t) => byId.get(t.id));
}
