import { acceptDelayDecays } from './accept-delay-estimator.js';
import { evaluateGuards, guardCap, type GuardVerdict } from './guards.js';
import type { Observation } from './observation.js';
import { isRecord, type DecideOptions, type PacingPolicy, type PlainData } from './pacing-policy.js';
import { findPolicy } from './policy-registry.js';
import { SpanDecays } from './span-decays.js';
import { isEstimatorState } from './estimator-state-shape.js';
import { estimatorStateFromV1, isEstimatorStateV1 } from './estimator-state-v1.js';
import {
  initialEstimatorState,
  blankEstimates,
  readEstimatesInto,
  updateEstimators,
  type EstimatorState,
} from './target-estimators.js';

/** Learned state of one target: the shared estimators plus the policy's own state. Plain JSON. */
export interface TargetState {
  /**
   * Format version. 2 packs the estimator figures into one array; 1 (nested objects) is still read and migrated;
   * any other version is discarded (cold start), never misread.
   */
  readonly version: 2;
  /** Policy that wrote the state; another policy starts its own part afresh but keeps the estimators. */
  readonly policy: string;
  /** Shared online estimators. */
  readonly estimators: EstimatorState;
  /** The policy's own state. */
  readonly policyState: PlainData;
}

/** Why a target got its invitations. */
export type DecisionReason = 'Paced' | 'Capped' | GuardVerdict['reason'];

/** Figures observed for one target, for status and metrics. */
export interface DecisionFigures {
  /** Free slots after the shared-capacity split. */
  readonly freeSlots: number;
  /** Busy slots. */
  readonly busySlots: number;
  /** Staffed slots. */
  readonly staffedSlots: number;
  /** Proactive interactions waiting. */
  readonly waiting: number;
  /** Pending invitations. */
  readonly pending: number;
  /** Estimated acceptance probability. */
  readonly acceptanceProbability: number;
  /** Realised abandonment ratio over about an hour; undefined before anything was accepted. */
  readonly abandonRatio: number | undefined;
  /** Busy ÷ staffed slots now; undefined when nothing is staffed. */
  readonly occupancy: number | undefined;
}

/** The decision for one target. */
export interface PacingDecision {
  /** Target id. */
  readonly targetId: string;
  /** Whole invitations for the interval, ≥ 0 and ≤ the cap. */
  readonly invites: number;
  /** Why. */
  readonly reason: DecisionReason;
  /** One sentence explaining it. */
  readonly message: string;
  /** What was observed. */
  readonly figures: DecisionFigures;
}

/** Decisions in the order of the observations, and the learned state for the next interval by target id. */
export interface DecideAllResult {
  /** One decision per observation. */
  readonly decisions: PacingDecision[];
  /** Next learned state per target id (targets not observed are dropped). */
  readonly states: Record<string, TargetState>;
}

/**
 * Decides one interval for every observed target with the named policy: estimators learn from every
 * observation, then the guard chain (paused, stale statistics, nothing staffed) may answer 0, else the policy
 * decides and the cap guard clamps. Pure and deterministic. `states` is what the previous call returned (or was
 * persisted); anything unreadable in it means a cold start for that target. `options.explain: false` skips
 * building explanations from the figures (see DecideOptions). Throws PacingPolicyError for an unknown policy name.
 */
export function decideAll(
  policyName: string,
  observations: readonly Observation[],
  states: Readonly<Record<string, unknown>>,
  options: DecideOptions = {},
): DecideAllResult {
  const round = new DecisionRound(policyName, options);
  const nextStates: Record<string, TargetState> = {};
  const decisions: PacingDecision[] = new Array<PacingDecision>(observations.length);
  for (let o = 0; o < observations.length; o++) {
    const obs = observations[o]!;
    decisions[o] = round.decide(obs, states[obs.targetId], nextStates);
  }
  return { decisions, states: nextStates };
}

/**
 * One decision round of one policy: what the targets of a round share (the policy, the accept-delay factors of
 * the interval, scratch estimates) and the decision of one target at a time. See {@link decideAll}.
 */
export class DecisionRound {
  readonly #policy: PacingPolicy<PlainData>;
  readonly #options: DecideOptions;
  // The accept-delay factors depend on the interval only; the targets of a round share it, so they are computed
  // once per distinct interval rather than once per target.
  #decaysIntervalMs = Number.NaN;
  #decays: Float64Array | undefined;
  readonly #scratchEstimates = blankEstimates();
  readonly #spans = new SpanDecays();
  #lastState: TargetState | undefined;

  /** @throws PacingPolicyError for an unknown policy name. */
  constructor(policyName: string, options: DecideOptions = {}) {
    this.#policy = findPolicy(policyName);
    this.#options = options;
  }

  /**
   * Decides `obs` from the target's `previous` learned state (anything unreadable means a cold start) and stores
   * its next state in `nextStates` under its target id. `obs` is read during the call only, so it may be reused.
   */
  decide(obs: Observation, previous: unknown, nextStates: Record<string, TargetState>): PacingDecision {
    const decision = this.decideOne(obs, previous);
    nextStates[obs.targetId] = this.lastState;
    return decision;
  }

  /** The next learned state of the target the last {@link decideOne} decided. */
  get lastState(): TargetState {
    if (this.#lastState === undefined) throw new Error('lastState read before any decision');
    return this.#lastState;
  }

  /**
   * Decides `obs` as {@link decide} does, leaving the target's next state in {@link lastState} instead of a record:
   * a caller that keeps states by target index stores no 10,000-key record per round.
   */
  decideOne(obs: Observation, previous: unknown): PacingDecision {
    const policy = this.#policy;
    if (obs.intervalMs !== this.#decaysIntervalMs) {
      this.#decaysIntervalMs = obs.intervalMs;
      const intervalSeconds = obs.intervalMs / 1000;
      // readEstimates uses max(1e-3, Δ) and updateEstimators max(0, Δ): the same factors serve both only above 1 ms.
      this.#decays = intervalSeconds >= 1e-3 ? acceptDelayDecays(intervalSeconds) : undefined;
    }
    const decays = this.#decays;
    const previousEstimators = readEstimatorState(previous);
    const previousPolicyState =
      isRecord(previous) && previous['policy'] === policy.name && policy.isState(previous['policyState'])
        ? previous['policyState']
        : policy.initialState(obs.targetId);
    const estimators = updateEstimators(previousEstimators, obs, decays, this.#spans);
    // One estimates object for the whole round, overwritten per target: the policy reads it during its call only.
    const estimates = readEstimatesInto(this.#scratchEstimates, estimators, obs, decays);
    const verdict = evaluateGuards(obs);
    let invites = 0;
    let reason: DecisionReason;
    let message: string;
    let policyState: PlainData;
    if (verdict) {
      reason = verdict.reason;
      message = verdict.message;
      policyState = policy.skip(obs, previousPolicyState);
    } else {
      const decided = policy.decide(obs, estimates, previousPolicyState, this.#options);
      const capped = guardCap(obs, decided.invites);
      invites = capped.invites;
      reason = capped.isCapped ? 'Capped' : 'Paced';
      message = capped.isCapped
        ? `${decided.explanation}; capped at ${invites} per interval`
        : decided.explanation;
      policyState = decided.state;
    }
    this.#lastState = { version: 2, policy: policy.name, estimators, policyState };
    return {
      targetId: obs.targetId,
      invites,
      reason,
      message,
      figures: {
        freeSlots: obs.freeSlots,
        busySlots: obs.busySlots,
        staffedSlots: obs.staffedSlots,
        waiting: obs.waiting,
        pending: obs.pending,
        acceptanceProbability: estimates.p,
        abandonRatio: Number.isFinite(estimates.abandonRatioHour) ? estimates.abandonRatioHour : undefined,
        occupancy: obs.staffedSlots > 0 ? obs.busySlots / obs.staffedSlots : undefined,
      },
    };
  }
}

/** The estimators of a persisted target state: format 2 as is, format 1 migrated, anything else fresh. */
function readEstimatorState(previous: unknown): EstimatorState {
  if (!isRecord(previous)) return initialEstimatorState();
  const estimators = previous['estimators'];
  if (previous['version'] === 2 && isEstimatorState(estimators)) return estimators;
  if (previous['version'] === 1 && isEstimatorStateV1(estimators)) return estimatorStateFromV1(estimators);
  return initialEstimatorState();
}
