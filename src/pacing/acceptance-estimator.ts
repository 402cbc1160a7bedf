/**
 * Online estimate of the acceptance probability p from *resolved* invitations only (accepted ÷ (accepted +
 * declined + expired)): pending invitations are censored, not declines, so accepted ÷ sent would be biased low.
 *
 * Two exponentially discounted ratios, discounted per resolved invitation: a fast one (memory ≈ 40 resolved,
 * a few minutes at typical volumes) and a slow one (≈ 400). The estimate is the larger of the two whenever the
 * fast one is higher, because under-estimating p over-invites and a jump *up* in p causes the largest
 * abandonment spikes; it follows the fast one down only when the drop is beyond its noise (two standard
 * deviations), and otherwise keeps the steadier slow ratio. The slow ratio is shrunk toward p = 1 by a small prior
 * (so a cold start behaves like progressive pacing until evidence accumulates), the fast one toward the slow one.
 */
export interface AcceptanceState {
  /** Discounted accepted count, fast memory. */
  readonly fastAccepted: number;
  /** Discounted resolved count, fast memory. */
  readonly fastResolved: number;
  /** Discounted accepted count, slow memory. */
  readonly slowAccepted: number;
  /** Discounted resolved count, slow memory. */
  readonly slowResolved: number;
}

/** Tuning of the acceptance estimator; defaults in {@link defaultAcceptanceTuning}. */
export interface AcceptanceTuning {
  /** Memory of the fast ratio, in resolved invitations. */
  readonly fastMemory: number;
  /** Memory of the slow ratio, in resolved invitations. */
  readonly slowMemory: number;
  /** Weight of the prior, in resolved invitations. */
  readonly priorWeight: number;
  /** The prior probability (1 = progressive at cold start). */
  readonly priorP: number;
  /** Lowest estimate returned, so that 1/p stays bounded. */
  readonly floor: number;
}

/** Defaults of the acceptance estimator. */
export const defaultAcceptanceTuning: AcceptanceTuning = {
  fastMemory: 40,
  slowMemory: 400,
  priorWeight: 4,
  priorP: 1,
  floor: 0.02,
};

/** A fresh estimator: nothing seen yet. */
export function initialAcceptanceState(): AcceptanceState {
  return { fastAccepted: 0, fastResolved: 0, slowAccepted: 0, slowResolved: 0 };
}

/** Adds the invitations resolved since the last update. */
export function updateAcceptance(
  state: AcceptanceState,
  accepted: number,
  resolved: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): AcceptanceState {
  if (!(resolved > 0)) return state;
  const counts = [state.fastAccepted, state.fastResolved, state.slowAccepted, state.slowResolved];
  advanceAcceptanceInto(counts, counts, 0, accepted, resolved, tuning);
  return {
    fastAccepted: counts[0]!,
    fastResolved: counts[1]!,
    slowAccepted: counts[2]!,
    slowResolved: counts[3]!,
  };
}

/**
 * {@link updateAcceptance} on a flat array of figures, for `resolved` > 0: the four counts are read from
 * `previous[at …]` (fast accepted, fast resolved, slow accepted, slow resolved) and written to `out[at …]`.
 */
export function advanceAcceptanceInto(
  out: number[],
  previous: readonly number[],
  at: number,
  accepted: number,
  resolved: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): void {
  const acceptedClamped = Math.min(Math.max(0, accepted), resolved);
  const fast = Math.exp(-resolved / tuning.fastMemory);
  const slow = Math.exp(-resolved / tuning.slowMemory);
  const fastAccepted = previous[at]! * fast + acceptedClamped;
  const fastResolved = previous[at + 1]! * fast + resolved;
  const slowAccepted = previous[at + 2]! * slow + acceptedClamped;
  const slowResolved = previous[at + 3]! * slow + resolved;
  out[at] = fastAccepted;
  out[at + 1] = fastResolved;
  out[at + 2] = slowAccepted;
  out[at + 3] = slowResolved;
}

/** The current estimates. */
export interface AcceptanceEstimate {
  /** The estimate to pace with. */
  readonly p: number;
  /** Fast ratio. */
  readonly fast: number;
  /** Slow ratio. */
  readonly slow: number;
  /** Effective number of resolved invitations behind the slow ratio. */
  readonly samples: number;
}

/** The slow ratio, shrunk toward the prior p. */
export function slowAcceptanceRatio(
  slowAccepted: number,
  slowResolved: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): number {
  const w = tuning.priorWeight;
  return (slowAccepted + w * tuning.priorP) / (slowResolved + w);
}

/** The fast ratio, shrunk toward the slow one (`slow`: {@link slowAcceptanceRatio} of the same state). */
export function fastAcceptanceRatio(
  fastAccepted: number,
  fastResolved: number,
  slow: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): number {
  // The fast ratio is shrunk toward the slow one, not toward the prior: over its short memory a prior of 1 would
  // bias it far upward (at p = 0.1, by 80 %), and the max rule below would pass that bias on.
  const w = tuning.priorWeight;
  return (fastAccepted + w * slow) / (fastResolved + w);
}

/**
 * The estimate to pace with, from the two ratios of {@link slowAcceptanceRatio} and {@link fastAcceptanceRatio}.
 * Split from {@link estimateAcceptance} so that a decision round reads p without an estimate object per target.
 */
export function pacedAcceptance(
  fastResolved: number,
  fast: number,
  slow: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): number {
  const fastSd = Math.sqrt(
    (Math.max(fast, 0.01) * (1 - Math.min(fast, 0.99))) / (fastResolved + tuning.priorWeight),
  );
  let p = slow;
  if (fast > slow || fast < slow - 2 * fastSd) p = fast;
  return Math.max(tuning.floor, Math.min(1, p));
}

/** Reads the estimate to pace with (see the interface comment for the rule). */
export function estimateAcceptance(
  state: AcceptanceState,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): AcceptanceEstimate {
  const slow = slowAcceptanceRatio(state.slowAccepted, state.slowResolved, tuning);
  const fast = fastAcceptanceRatio(state.fastAccepted, state.fastResolved, slow, tuning);
  return {
    p: pacedAcceptance(state.fastResolved, fast, slow, tuning),
    fast,
    slow,
    samples: state.slowResolved,
  };
}

/** The probability to pace with alone, from the four counts: {@link estimateAcceptance}'s `p` without the object. */
export function acceptanceProbability(
  fastAccepted: number,
  fastResolved: number,
  slowAccepted: number,
  slowResolved: number,
  tuning: AcceptanceTuning = defaultAcceptanceTuning,
): number {
  const slow = slowAcceptanceRatio(slowAccepted, slowResolved, tuning);
  return pacedAcceptance(
    fastResolved,
    fastAcceptanceRatio(fastAccepted, fastResolved, slow, tuning),
    slow,
    tuning,
  );
}
