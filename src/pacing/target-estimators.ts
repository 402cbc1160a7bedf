import {
  estimateAcceptance,
  initialAcceptanceState,
  updateAcceptance,
  type AcceptanceState,
} from './acceptance-estimator.js';
import {
  estimateAcceptDelaySeconds,
  expectedAcceptancesToCome,
  initialAcceptDelayState,
  updateAcceptDelay,
  type AcceptDelayState,
} from './accept-delay-estimator.js';
import type { Observation } from './observation.js';
import {
  initialRateRatio,
  readRateRatio,
  updateRateRatio,
  type RateRatioState,
} from './rate-ratio-estimator.js';

/** Learned estimator state of one target (plain JSON). */
export interface EstimatorState {
  /** Acceptance probability from resolved invitations. */
  readonly acceptance: AcceptanceState;
  /** Accept delay from the send history (cohorts) and acceptances. */
  readonly acceptDelay: AcceptDelayState;
  /** Pending-seconds ÷ resolved invitations: mean time an invitation stays pending (Little's law). */
  readonly pendingTime: RateRatioState;
  /** Handle seconds ÷ finished interactions (finished counted as answered). */
  readonly handleTime: RateRatioState;
  /** Waiting-seconds ÷ abandoned: mean patience under an exponential model (the Erlang-A estimator). */
  readonly patience: RateRatioState;
  /** Accepted interactions ÷ seconds. */
  readonly acceptedRate: RateRatioState;
  /** Abandoned ÷ accepted over about 15 minutes. */
  readonly abandonShort: RateRatioState;
  /** Abandoned ÷ accepted over about an hour. */
  readonly abandonHour: RateRatioState;
  /** Accepted interactions since the state was created. */
  readonly acceptedTotal: number;
  /** Abandoned interactions since the state was created. */
  readonly abandonedTotal: number;
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
    pendingTime: initialRateRatio(),
    handleTime: initialRateRatio(),
    patience: initialRateRatio(),
    acceptedRate: initialRateRatio(),
    abandonShort: initialRateRatio(),
    abandonHour: initialRateRatio(),
    acceptedTotal: 0,
    abandonedTotal: 0,
  };
}

/** Feeds one observation's deltas to every estimator. Statistics-based ones advance with statistics time only. */
export function updateEstimators(state: EstimatorState, obs: Observation): EstimatorState {
  const d = obs.deltas;
  const intervalSeconds = Math.max(0, obs.intervalMs / 1000);
  const resolved = d.inviteAccepted + d.declined + d.expired;
  const statsSeconds = d.statsSeconds;
  const acceptance = updateAcceptance(state.acceptance, d.inviteAccepted, resolved);
  return {
    acceptance,
    acceptDelay: obs.hasEngagementReport
      ? updateAcceptDelay(
          state.acceptDelay,
          d.sent,
          d.inviteAccepted,
          intervalSeconds,
          estimateAcceptance(acceptance).p,
        )
      : state.acceptDelay,
    pendingTime: obs.hasEngagementReport
      ? updateRateRatio(
          state.pendingTime,
          obs.pending * intervalSeconds,
          resolved,
          intervalSeconds,
          memories.pendingTime,
        )
      : state.pendingTime,
    handleTime: updateRateRatio(
      state.handleTime,
      d.handleSeconds,
      d.answered,
      statsSeconds,
      memories.handleTime,
    ),
    patience: updateRateRatio(
      state.patience,
      obs.waiting * statsSeconds,
      d.abandoned,
      statsSeconds,
      memories.patience,
    ),
    acceptedRate: updateRateRatio(
      state.acceptedRate,
      d.queueAccepted,
      statsSeconds,
      statsSeconds,
      memories.acceptedRate,
    ),
    abandonShort: updateRateRatio(
      state.abandonShort,
      d.abandoned,
      d.queueAccepted,
      statsSeconds,
      memories.abandonShort,
    ),
    abandonHour: updateRateRatio(
      state.abandonHour,
      d.abandoned,
      d.queueAccepted,
      statsSeconds,
      memories.abandonHour,
    ),
    acceptedTotal: state.acceptedTotal + d.queueAccepted,
    abandonedTotal: state.abandonedTotal + d.abandoned,
  };
}

/** Reads every estimate, with the live queue of `obs` for the expected abandonments. */
export function readEstimates(state: EstimatorState, obs: Observation): Estimates {
  const acceptance = estimateAcceptance(state.acceptance);
  const patienceSeconds = Math.max(
    1,
    readRateRatio(state.patience, priors.patienceSeconds, priors.patienceWeight),
  );
  const acceptDelaySeconds = estimateAcceptDelaySeconds(state.acceptDelay);
  const intervalSeconds = Math.max(1e-3, obs.intervalMs / 1000);
  return {
    p: acceptance.p,
    acceptDelaySeconds,
    acceptancesToCome: Math.min(
      obs.pending,
      expectedAcceptancesToCome(state.acceptDelay, intervalSeconds, acceptDelaySeconds, acceptance.p),
    ),
    pFast: acceptance.fast,
    pSlow: acceptance.slow,
    acceptanceSamples: acceptance.samples,
    pendingSeconds: readRateRatio(state.pendingTime, priors.pendingSeconds, priors.pendingWeight),
    handleSeconds: Math.max(1, readRateRatio(state.handleTime, priors.handleSeconds, priors.handleWeight)),
    patienceSeconds,
    acceptedPerSecond: state.acceptedRate.denominator > 0 ? readRateRatio(state.acceptedRate, 0, 0) : 0,
    abandonRatioShort:
      state.abandonShort.denominator > 0 ? state.abandonShort.numerator / state.abandonShort.denominator : 0,
    acceptedShort: state.abandonShort.denominator,
    abandonRatioHour:
      state.abandonHour.denominator > 0
        ? state.abandonHour.numerator / state.abandonHour.denominator
        : Number.NaN,
    expectedAbandonsPerSecond: obs.waiting / patienceSeconds,
    acceptedTotal: state.acceptedTotal,
    abandonedTotal: state.abandonedTotal,
  };
}
