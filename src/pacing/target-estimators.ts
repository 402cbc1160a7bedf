import {
  acceptanceProbability,
  advanceAcceptanceInto,
  fastAcceptanceRatio,
  pacedAcceptance,
  slowAcceptanceRatio,
} from './acceptance-estimator.js';
import {
  acceptDelayDecays,
  acceptDelayGridSeconds,
  acceptancesToComeFromPending,
  advanceAcceptDelayInto,
  expectedAcceptancesToComeIn,
  expectedPendingIn,
  initialAcceptDelayState,
  mostLikelyAcceptDelayIndexIn,
} from './accept-delay-estimator.js';
import { blankEstimatorFigures, estimatorFigureCount, figureAt } from './estimator-figures.js';
import type { Observation } from './observation.js';
import { SpanDecays } from './span-decays.js';

/**
 * Learned estimator state of one target (plain JSON, learned-state format 2). Every figure but the two totals is
 * one number of `figures`, at the place {@link figureAt} names; format 1 kept them in nested objects (see
 * estimator-state-v1.ts, which migrates it).
 */
export interface EstimatorState {
  /** Accepted interactions since the state was created (by name: tools read it from saved state). */
  readonly acceptedTotal: number;
  /** Abandoned interactions since the state was created. */
  readonly abandonedTotal: number;
  /** The discounted sums, acceptance counts and accept-delay fit, {@link estimatorFigureCount} numbers. */
  readonly figures: readonly number[];
}

/** What the estimators say now. */
export interface Estimates {
  /** Acceptance probability to pace with. */
  readonly p: number;
  /** Fast acceptance ratio. */
  readonly pFast: number;
  /** Slow acceptance ratio. */
  readonly pSlow: number;
  /** Resolved invitations behind the slow ratio. */
  readonly acceptanceSamples: number;
  /** Mean seconds an invitation stays pending, any outcome (Little's law). */
  readonly pendingSeconds: number;
  /** Mean invite → accept delay, seconds (the look-ahead horizon). */
  readonly acceptDelaySeconds: number;
  /**
   * Acceptances still expected from the invitations pending now (never more than the pending count): the
   * accept-delay fit's share per pending invitation times the pending count (see acceptancesToComeFromPending).
   */
  readonly acceptancesToCome: number;
  /** Mean handle time, seconds. */
  readonly handleSeconds: number;
  /** Mean patience, seconds. */
  readonly patienceSeconds: number;
  /** Accepted interactions per second. */
  readonly acceptedPerSecond: number;
  /** Realised abandonment ratio over about 15 minutes, and its discounted accepted count. */
  readonly abandonRatioShort: number;
  /** Discounted accepted count behind `abandonRatioShort`. */
  readonly acceptedShort: number;
  /** Realised abandonment ratio over about an hour; NaN before anything was accepted. */
  readonly abandonRatioHour: number;
  /** Expected abandonments per second from the live queue (waiting × patience hazard). */
  readonly expectedAbandonsPerSecond: number;
  /** Accepted interactions since the state was created. */
  readonly acceptedTotal: number;
  /** Abandoned interactions since the state was created. */
  readonly abandonedTotal: number;
}

/** Priors, in one place: they only matter until data arrives. */
const priors = {
  pendingSeconds: 15,
  pendingWeight: 2,
  handleSeconds: 300,
  handleWeight: 2,
  patienceSeconds: 60,
  patienceWeight: 0.5,
} as const;

/** Fresh estimators: nothing observed. */
export function initialEstimatorState(): EstimatorState {
  const figures = blankEstimatorFigures();
  for (let i = 0; i < figureAt.acceptDelay; i++) figures[i] = 0;
  const acceptDelay = initialAcceptDelayState();
  const grid = acceptDelayGridSeconds.length;
  for (let g = 0; g < grid; g++) {
    figures[figureAt.acceptDelay + g] = acceptDelay.exposure[g]!;
    figures[figureAt.acceptDelay + grid + g] = acceptDelay.logLikelihood[g]!;
  }
  return { acceptedTotal: 0, abandonedTotal: 0, figures };
}

/**
 * Feeds one observation's deltas to every estimator. Statistics-based ones advance with statistics time only.
 * `decays`: {@link acceptDelayDecays} of the observation's interval, when the caller computed them for a round;
 * `spans`: the round's {@link SpanDecays}, when the caller keeps one for the round.
 */
export function updateEstimators(
  state: EstimatorState,
  obs: Observation,
  decays?: Float64Array,
  spans: SpanDecays = new SpanDecays(),
): EstimatorState {
  const d = obs.deltas;
  const was = state.figures;
  const next = blankEstimatorFigures();
  const intervalSeconds = Math.max(0, obs.intervalMs / 1000);
  const resolved = d.inviteAccepted + d.declined + d.expired;
  const statsSeconds = d.statsSeconds;
  const a = figureAt.acceptance;
  if (resolved > 0) advanceAcceptanceInto(next, was, a, d.inviteAccepted, resolved);
  else for (let i = a; i < a + 4; i++) next[i] = was[i]!;
  const factors = spans.over(intervalSeconds, statsSeconds);
  const pendingDecay = obs.hasEngagementReport ? factors.pending : 1;
  const handleDecay = factors.handle;
  const patienceDecay = factors.patience;
  const rateDecay = factors.rate;
  const shortDecay = factors.short;
  const hourDecay = factors.hour;
  const abandoned = Math.max(0, d.abandoned);
  const accepted = Math.max(0, d.queueAccepted);
  const delayAt = figureAt.acceptDelay;
  if (obs.hasEngagementReport && intervalSeconds > 0) {
    const p = acceptanceProbability(next[a]!, next[a + 1]!, next[a + 2]!, next[a + 3]!);
    const delayDecays = decays ?? acceptDelayDecays(intervalSeconds);
    advanceAcceptDelayInto(next, was, delayAt, d.sent, d.inviteAccepted, p, delayDecays);
  } else {
    for (let i = delayAt; i < estimatorFigureCount; i++) next[i] = was[i]!;
  }
  const at = figureAt;
  next[at.pendingSecondsSum] = obs.hasEngagementReport
    ? was[at.pendingSecondsSum]! * pendingDecay + obs.pending * intervalSeconds
    : was[at.pendingSecondsSum]!;
  next[at.resolvedSum] = obs.hasEngagementReport
    ? was[at.resolvedSum]! * pendingDecay + resolved
    : was[at.resolvedSum]!;
  next[at.handleSecondsSum] = was[at.handleSecondsSum]! * handleDecay + Math.max(0, d.handleSeconds);
  next[at.answeredSum] = was[at.answeredSum]! * handleDecay + Math.max(0, d.answered);
  next[at.waitingSecondsSum] = was[at.waitingSecondsSum]! * patienceDecay + obs.waiting * statsSeconds;
  next[at.abandonedSum] = was[at.abandonedSum]! * patienceDecay + abandoned;
  next[at.acceptedSum] = was[at.acceptedSum]! * rateDecay + accepted;
  next[at.secondsSum] = was[at.secondsSum]! * rateDecay + Math.max(0, statsSeconds);
  next[at.abandonedShort] = was[at.abandonedShort]! * shortDecay + abandoned;
  next[at.acceptedShort] = was[at.acceptedShort]! * shortDecay + accepted;
  next[at.abandonedHour] = was[at.abandonedHour]! * hourDecay + abandoned;
  next[at.acceptedHour] = was[at.acceptedHour]! * hourDecay + accepted;
  return {
    acceptedTotal: state.acceptedTotal + accepted,
    abandonedTotal: state.abandonedTotal + abandoned,
    figures: next,
  };
}

/** A discounted ratio shrunk toward `prior` with the weight of `priorWeight` units of denominator. */
function shrunk(numerator: number, denominator: number, prior: number, priorWeight: number): number {
  return (numerator + prior * priorWeight) / (denominator + priorWeight);
}

/** {@link Estimates} that {@link readEstimatesInto} may overwrite. */
export type MutableEstimates = { -readonly [K in keyof Estimates]: Estimates[K] };

/**
 * A blank estimates object for {@link readEstimatesInto}. Every field starts as NaN (a double), so that later
 * writes of any number go into the object in place.
 */
export function blankEstimates(): MutableEstimates {
  return {
    p: Number.NaN,
    acceptDelaySeconds: Number.NaN,
    acceptancesToCome: Number.NaN,
    pFast: Number.NaN,
    pSlow: Number.NaN,
    acceptanceSamples: Number.NaN,
    pendingSeconds: Number.NaN,
    handleSeconds: Number.NaN,
    patienceSeconds: Number.NaN,
    acceptedPerSecond: Number.NaN,
    abandonRatioShort: Number.NaN,
    acceptedShort: Number.NaN,
    abandonRatioHour: Number.NaN,
    expectedAbandonsPerSecond: Number.NaN,
    acceptedTotal: Number.NaN,
    abandonedTotal: Number.NaN,
  };
}

/**
 * Reads every estimate, with the live queue of `obs` for the expected abandonments. `decays`: as for
 * {@link updateEstimators}, of the same interval.
 */
export function readEstimates(state: EstimatorState, obs: Observation, decays?: Float64Array): Estimates {
  return readEstimatesInto(blankEstimates(), state, obs, decays);
}

/**
 * {@link readEstimates} written into `out`, which is returned. A decision round reuses one object for all its
 * targets (each target's estimates are read before the next target's are written): a fresh object of sixteen
 * numbers per target was a seventh of the round's allocation.
 */
export function readEstimatesInto(
  out: MutableEstimates,
  state: EstimatorState,
  obs: Observation,
  decays?: Float64Array,
): Estimates {
  const f = state.figures;
  const at = figureAt;
  const a = at.acceptance;
  // The ratios one by one rather than estimateAcceptance: its estimate object per target was garbage at once.
  const pSlow = slowAcceptanceRatio(f[a + 2]!, f[a + 3]!);
  const pFast = fastAcceptanceRatio(f[a]!, f[a + 1]!, pSlow);
  const p = pacedAcceptance(f[a + 1]!, pFast, pSlow);
  const patienceSeconds = Math.max(
    1,
    shrunk(f[at.waitingSecondsSum]!, f[at.abandonedSum]!, priors.patienceSeconds, priors.patienceWeight),
  );
  const grid = acceptDelayGridSeconds.length;
  const delayIndex = mostLikelyAcceptDelayIndexIn(f, at.acceptDelay + grid);
  const intervalSeconds = Math.max(1e-3, obs.intervalMs / 1000);
  const pendingSeconds = shrunk(
    f[at.pendingSecondsSum]!,
    f[at.resolvedSum]!,
    priors.pendingSeconds,
    priors.pendingWeight,
  );
  out.p = p;
  out.acceptDelaySeconds = acceptDelayGridSeconds[delayIndex]!;
  out.acceptancesToCome = acceptancesToComeFromPending(
    obs.pending,
    expectedAcceptancesToComeIn(f, at.acceptDelay, intervalSeconds, delayIndex, p, decays),
    expectedPendingIn(f, at.acceptDelay, intervalSeconds, pendingSeconds, decays),
    p,
  );
  out.pFast = pFast;
  out.pSlow = pSlow;
  out.acceptanceSamples = f[a + 3]!;
  out.pendingSeconds = pendingSeconds;
  out.handleSeconds = Math.max(
    1,
    shrunk(f[at.handleSecondsSum]!, f[at.answeredSum]!, priors.handleSeconds, priors.handleWeight),
  );
  out.patienceSeconds = patienceSeconds;
  // No rate is known over no time: 0 s gives 0/0, and a subnormal span (5e-324 s, found by the property tests)
  // an infinite rate that turned the adaptive policy's gains into NaN (0 × ∞).
  const acceptedPerSecond = f[at.acceptedSum]! / f[at.secondsSum]!;
  out.acceptedPerSecond = Number.isFinite(acceptedPerSecond) ? acceptedPerSecond : 0;
  out.abandonRatioShort = f[at.acceptedShort]! > 0 ? f[at.abandonedShort]! / f[at.acceptedShort]! : 0;
  out.acceptedShort = f[at.acceptedShort]!;
  out.abandonRatioHour = f[at.acceptedHour]! > 0 ? f[at.abandonedHour]! / f[at.acceptedHour]! : Number.NaN;
  out.expectedAbandonsPerSecond = obs.waiting / patienceSeconds;
  out.acceptedTotal = state.acceptedTotal;
  out.abandonedTotal = state.abandonedTotal;
  return out;
}
