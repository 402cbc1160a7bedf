import { formatFixed } from './fixed-decimal.js';
import { flattened } from './flat-string.js';
import { isFiniteNumber, isRecord, type PacingPolicy } from './pacing-policy.js';

/** Learned state of `adaptive` (the estimators live beside it, shared by every policy). */
export interface AdaptiveState {
  readonly [key: string]: number;
  /** log of the trim m: the share of the expected capacity the pipeline is filled to. */
  readonly logTrim: number;
}

/**
 * Tuning of `adaptive`, in one place. Chosen once on the model of PACING.md (steady 10-slot chat) and held fixed
 * for every scenario — never tuned per scenario.
 */
export const adaptiveTuning = {
  /** Starting trim: cautious, it rises as the queue stays short. */
  initialTrim: 0.5,
  minTrim: 0.2,
  maxTrim: 1.5,
  /** The trim steers abandonment to this share of the goal, leaving room for noise and shocks. */
  aimShareOfGoal: 0.85,
  /** Largest integral gain, per interaction-equivalent of abandonment error (low volumes). */
  maxGain: 0.2,
  /** At high volumes the gain is lowered so that the trim's time constant stays about this long, seconds. */
  trimTimeConstantSeconds: 1200,
  /** Expected acceptances held back, in slots: the cost of an acceptance that finds no slot is highest near
   * saturation, which is why the optimal policy keeps fewer pending than m·F/p when few slots are free. */
  reserveSlots: 0.5,
  /** Fall back to progressive while realised abandonment over ~15 min exceeds this multiple of the goal … */
  breakerMultiple: 2.5,
  /** … with at least this many (discounted) accepted interactions behind it. */
  breakerMinAccepted: 60,
} as const;

/**
 * `adaptive`, the production policy: a fast inner loop on live state and a slow outer trim on the goal.
 *
 * Inner loop (every interval): the capacity expected during the look-ahead horizon h (the estimated mean
 * invite → accept delay) is `C = F + B·(1 − e^(−h/AHT)) − Q`; the pipeline is filled so that the acceptances still
 * to come from invitations already sent (A, from the accept-delay fit and the invitations sent — not p̂·P, because old
 * pending invitations mostly end in a decline or expiry) plus those of new invitations reach `m·C − reserve`:
 * `k = ⌊(m·C − reserve − A) / p̂⌋`, and never fewer than progressive pacing (`F − Q − P`) would send. Nothing
 * beyond that is sent while the expected capacity is taken.
 *
 * Outer trim (every interval): `log m += κ·(aim·accepted − expected abandons)`, where expected abandons are the
 * live queue times the patience hazard (waiting × Δt ÷ estimated patience) — a far less noisy signal than counted
 * abandonments, and unbiased over time because the patience estimate is itself fitted to counted abandonments.
 *
 * Circuit breaker: when realised abandonment over ~15 min exceeds 2.5× the goal on enough volume, it paces
 * progressively (never overbooks) until the rate falls back.
 */
export const adaptivePolicy: PacingPolicy<AdaptiveState> = {
  name: 'adaptive',
  initialState: () => ({ logTrim: Math.log(adaptiveTuning.initialTrim) }),
  // A named read: a read by computed key (hasFiniteNumbers) boxes the double, for every target every round.
  isState: (value): value is AdaptiveState => isRecord(value) && isFiniteNumber(value.logTrim),
  decide(obs, estimates, state) {
    const t = adaptiveTuning;
    const seconds = Math.max(0, obs.deltas.statsSeconds);
    const aim = t.aimShareOfGoal * obs.goalRatio;
    const volumePerTimeConstant = aim * estimates.acceptedPerSecond * t.trimTimeConstantSeconds;
    const gain = Math.min(t.maxGain, 1 / Math.max(volumePerTimeConstant, 1e-9));
    const expectedAbandons = estimates.expectedAbandonsPerSecond * seconds;
    const logTrim = Math.min(
      Math.log(t.maxTrim),
      Math.max(
        Math.log(t.minTrim),
        state.logTrim + gain * (aim * obs.deltas.queueAccepted - expectedAbandons),
      ),
    );
    const trim = Math.exp(logTrim);
    const p = estimates.p;
    const horizon = estimates.acceptDelaySeconds;
    const freeing = obs.busySlots * (1 - Math.exp(-horizon / estimates.handleSeconds));
    const capacity = obs.freeSlots + freeing - obs.waiting;
    const wanted = trim * capacity - t.reserveSlots - estimates.acceptancesToCome;
    // Never fewer than progressive pacing would send: those invitations cannot overbook (each pending one is
    // counted as a certain acceptance), and the floor keeps a cold start (p̂ = 1) from never inviting at all.
    const progressive = Math.max(0, Math.floor(obs.freeSlots - obs.waiting - obs.pending));
    let invites = Math.max(progressive, Math.floor(wanted / p));
    let mode = 'paced';
    const isBreakerOpen =
      estimates.acceptedShort >= t.breakerMinAccepted &&
      estimates.abandonRatioShort > t.breakerMultiple * obs.goalRatio;
    if (isBreakerOpen) {
      invites = progressive;
      mode = 'breaker (progressive)';
    }
    return {
      invites,
      // An unchanged trim keeps its state object: nothing new to allocate and retain for a quiet target.
      state: logTrim === state.logTrim ? state : { logTrim },
      // One template, flattened: 10,000 explanations live until the round ends (see flattened).
      explanation: flattened(
        `${mode}: capacity ${formatFixed(capacity, 2)} (free ${formatFixed(obs.freeSlots, 1)} + freeing ` +
          `${formatFixed(freeing, 2)} − waiting ${obs.waiting}), trim ${formatFixed(trim, 2)}, p̂ ${formatFixed(p, 3)}, ` +
          `${formatFixed(estimates.acceptancesToCome, 2)} acceptances to come from ${obs.pending} pending`,
      ),
    };
  },
  skip: (_obs, state) => state,
};
