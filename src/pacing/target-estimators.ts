import {
  acceptanceProbability,
  fastAcceptanceRatio,
  initialAcceptanceState,
  pacedAcceptance,
  slowAcceptanceRatio,
  updateAcceptance,
  type AcceptanceState,
} from './acceptance-estimator.js';
import {
  acceptDelayGridSeconds,
  expectedAcceptancesToCome,
  initialAcceptDelayState,
  mostLikelyAcceptDelayIndex,
  updateAcceptDelay,
  type AcceptDelayState,
} from './accept-delay-estimator.js';
import type { Observation } from './observation.js';

/**
 * Learned estimator state of one target (plain JSON). The time-discounted ratios are kept as flat numerator /
 * denominator pairs rather than nested objects: with 10,000 targets a decision round allocates a fresh state per
 * target, and fewer objects per state keep the garbage collector out of the 50 ms budget.
 */
export interface EstimatorState {
  /** Acceptance probability from resolved invitations. */
  readonly acceptance: AcceptanceState;
  /** Accept delay from the exposure of the invitations sent and the acceptances. */
  readonly acceptDelay: AcceptDelayState;
  /** Pending-seconds ÷ resolved invitations: mean time an invitation stays pending (Little's law). */
  readonly pendingSecondsSum: number;
  readonly resolvedSum: number;
  /** Handle seconds ÷ finished interactions (finished counted as answered). */
  readonly handleSecondsSum: number;
  readonly answeredSum: number;
  /** Waiting-seconds ÷ abandoned: mean patience under an exponential model (the Erlang-A estimator). */
  readonly waitingSecondsSum: number;
  readonly abandonedSum: number;
  /** Accepted interactions ÷ seconds. */
  readonly acceptedSum: number;
  readonly secondsSum: number;
  /** Abandoned ÷ accepted over about 15 minutes. */
  readonly abandonedShort: number;
  readonly acceptedShort: number;
  /** Abandoned ÷ accepted over about an hour. */
  readonly abandonedHour: number;
  readonly acceptedHour: number;
  /** Accepted interactions since the state was created. */
  readonly acceptedTotal: number;
  /** Abandoned interactions since the state was created. */
  readonly abandonedTotal: number;
}

/** Names of the numeric fields of {@link EstimatorState}, for validating persisted state. */
export const estimatorNumberFields = [
  'pendingSecondsSum',
  'resolvedSum',
  'handleSecondsSum',
  'answeredSum',
  'waitingSecondsSum',
  'abandonedSum',
  'acceptedSum',
  'secondsSum',
  'abandonedShort',
  'acceptedShort',
  'abandonedHour',
  'acceptedHour',
  'acceptedTotal',
  'abandonedTotal',
] as const;

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
  /** Acceptances still expected from invitations already sent (never more than the pending count). */
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

/** Memories of the time-discounted estimators, seconds. */
const memories = {
  pendingTime: 600,
  handleTime: 1800,
  patience: 3600,
  acceptedRate: 900,
  abandonShort: 900,
  abandonHour: 3600,
} as const;

/** Fresh estimators: nothing observed. */
export function initialEstimatorState(): EstimatorState {
  return {
    acceptance: initialAcceptanceState(),
    acceptDelay: initialAcceptDelayState(),
    pendingSecondsSum: 0,
    resolvedSum: 0,
    handleSecondsSum: 0,
    answeredSum: 0,
    waitingSecondsSum: 0,
    abandonedSum: 0,
    acceptedSum: 0,
    secondsSum: 0,
    abandonedShort: 0,
    acceptedShort: 0,
    abandonedHour: 0,
    acceptedHour: 0,
    acceptedTotal: 0,
    abandonedTotal: 0,
  };
}

/** `exp(−seconds / memory)`, 1 when no time passed. */
function decayOver(seconds: number, memorySeconds: number): number {
  return seconds > 0 ? Math.exp(-seconds / memorySeconds) : 1;
}

/**
 * Feeds one observation's deltas to every estimator. Statistics-based ones advance with statistics time only.
 * `decays`: {@link acceptDelayDecays} of the observation's interval, when the caller computed them for a round.
 */
export function updateEstimators(
  state: EstimatorState,
  obs: Observation,
  decays?: Float64Array,
): EstimatorState {
  const d = obs.deltas;
  const intervalSeconds = Math.max(0, obs.intervalMs / 1000);
  const resolved = d.inviteAccepted + d.declined + d.expired;
  const statsSeconds = d.statsSeconds;
  const acceptance = updateAcceptance(state.acceptance, d.inviteAccepted, resolved);
  const pendingDecay = obs.hasEngagementReport ? decayOver(intervalSeconds, memories.pendingTime) : 1;
  const handleDecay = decayOver(statsSeconds, memories.handleTime);
  const patienceDecay = decayOver(statsSeconds, memories.patience);
  const rateDecay = decayOver(statsSeconds, memories.acceptedRate);
  const shortDecay = decayOver(statsSeconds, memories.abandonShort);
  const hourDecay = decayOver(statsSeconds, memories.abandonHour);
  const abandoned = Math.max(0, d.abandoned);
  const accepted = Math.max(0, d.queueAccepted);
  return {
    acceptance,
    acceptDelay: obs.hasEngagementReport
      ? updateAcceptDelay(
          state.acceptDelay,
          d.sent,
          d.inviteAccepted,
          intervalSeconds,
          acceptanceProbability(acceptance),
          decays,
        )
      : state.acceptDelay,
    pendingSecondsSum: obs.hasEngagementReport
      ? state.pendingSecondsSum * pendingDecay + obs.pending * intervalSeconds
      : state.pendingSecondsSum,
    resolvedSum: obs.hasEngagementReport ? state.resolvedSum * pendingDecay + resolved : state.resolvedSum,
    handleSecondsSum: state.handleSecondsSum * handleDecay + Math.max(0, d.handleSeconds),
    answeredSum: state.answeredSum * handleDecay + Math.max(0, d.answered),
    waitingSecondsSum: state.waitingSecondsSum * patienceDecay + obs.waiting * statsSeconds,
    abandonedSum: state.abandonedSum * patienceDecay + abandoned,
    acceptedSum: state.acceptedSum * rateDecay + accepted,
    secondsSum: state.secondsSum * rateDecay + Math.max(0, statsSeconds),
    abandonedShort: state.abandonedShort * shortDecay + abandoned,
    acceptedShort: state.acceptedShort * shortDecay + accepted,
    abandonedHour: state.abandonedHour * hourDecay + abandoned,
    acceptedHour: state.acceptedHour * hourDecay + accepted,
    acceptedTotal: state.acceptedTotal + accepted,
    abandonedTotal: state.abandonedTotal + abandoned,
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
  // The ratios one by one rather than estimateAcceptance: its estimate object per target was garbage at once.
  const pSlow = slowAcceptanceRatio(state.acceptance);
  const pFast = fastAcceptanceRatio(state.acceptance, pSlow);
  const p = pacedAcceptance(state.acceptance, pFast, pSlow);
  const patienceSeconds = Math.max(
    1,
    shrunk(state.waitingSecondsSum, state.abandonedSum, priors.patienceSeconds, priors.patienceWeight),
  );
  const delayIndex = mostLikelyAcceptDelayIndex(state.acceptDelay);
  const intervalSeconds = Math.max(1e-3, obs.intervalMs / 1000);
  out.p = p;
  out.acceptDelaySeconds = acceptDelayGridSeconds[delayIndex]!;
  out.acceptancesToCome = Math.min(
    obs.pending,
    expectedAcceptancesToCome(state.acceptDelay, intervalSeconds, delayIndex, p, decays),
  );
  out.pFast = pFast;
  out.pSlow = pSlow;
  out.acceptanceSamples = state.acceptance.slowResolved;
  out.pendingSeconds = shrunk(
    state.pendingSecondsSum,
    state.resolvedSum,
    priors.pendingSeconds,
    priors.pendingWeight,
  );
  out.handleSeconds = Math.max(
    1,
    shrunk(state.handleSecondsSum, state.answeredSum, priors.handleSeconds, priors.handleWeight),
  );
  out.patienceSeconds = patienceSeconds;
  out.acceptedPerSecond = state.secondsSum > 0 ? state.acceptedSum / state.secondsSum : 0;
  out.abandonRatioShort = state.acceptedShort > 0 ? state.abandonedShort / state.acceptedShort : 0;
  out.acceptedShort = state.acceptedShort;
  out.abandonRatioHour = state.acceptedHour > 0 ? state.abandonedHour / state.acceptedHour : Number.NaN;
  out.expectedAbandonsPerSecond = obs.waiting / patienceSeconds;
  out.acceptedTotal = state.acceptedTotal;
  out.abandonedTotal = state.abandonedTotal;
  return out;
}
