import { formatFixed } from './fixed-decimal.js';
import { flattened } from './flat-string.js';
import { isFiniteNumber, isRecord, type PacingPolicy } from './pacing-policy.js';

/** Learned state of `adaptive` (the estimators live beside it, shared by every policy). */
export interface AdaptiveState {
  readonly [key: string]: number;
  /** log of the trim m: the share of the expected capacity the pipeline is filled to. */
  readonly logTrim: number;
  /** log of the calibration c: expected abandonments (queue × patience hazard) ÷ the entry-risk forecast. */
  readonly logCalibration: number;
  /** Invitations the previous decision allowed (the anti-windup compares them with those the platform sent). */
  readonly allowed: number;
}

/**
 * Every state shape `adaptive` reads: `{ logTrim }` (written before the calibration existed: calibration at 1),
 * `{ logTrim, logCalibration }` (before the allowance was kept: the first interval is taken as unsaturated) and
 * the current {@link AdaptiveState}.
 */
export interface AdaptiveStateV1 {
  readonly [key: string]: number;
  readonly logTrim: number;
}

/**
 * Tuning of `adaptive`, in one place. Chosen once on the model of PACING.md (steady 10-slot chat) and held fixed
 * for every scenario — never tuned per scenario.
 */
export const adaptiveTuning = {
  /** Starting trim: somewhat below where the steady 10-slot model settles (≈ 0.75), it rises as the queue stays short. */
  initialTrim: 0.7,
  minTrim: 0.2,
  maxTrim: 1.5,
  /** The trim steers abandonment to this share of the goal, leaving room for noise and shocks. */
  aimShareOfGoal: 0.85,
  /** Largest gain of the trim, per interaction-equivalent of abandonment error (low volumes). Half the
   * calibration's: at low volumes both ceilings bind (on the steady 10-slot chat the nominal gains are 1.05 and
   * 0.35), and at one shared ceiling the trim moved with every hazard the fast-following calibration passed on
   * (sd of log m ≈ 0.09). At 0.1, steady 10-slot chat over seeds 1–120: 91.96 % occupancy at 2.69 %, against
   * 91.84 % at 2.80 % (about 0.25 points more occupancy at equal abandonment on the fixed-trim frontier). */
  maxTrimGain: 0.1,
  /** Largest gain of the calibration, per interaction-equivalent of error (low volumes). */
  maxCalibrationGain: 0.2,
  /** At high volumes the gain is lowered so that the trim's time constant stays about this long, seconds. */
  trimTimeConstantSeconds: 1200,
  /** Time constant of the calibration of the entry-risk forecast against the expected abandonments, seconds:
   * longer than the trim's, because the expected abandonments are the noisy signal the forecast stands in for,
   * short enough to shed the conservative start within the first hours (2 h cost ≈ 0.25 points on steady chat). */
  calibrationTimeConstantSeconds: 3600,
  /** Starting calibration: above 1, so that until it has learned the forecast is taken to understate. */
  initialCalibration: 1.3,
  /** Bounds of the calibration. */
  minCalibration: 0.2,
  maxCalibration: 5,
  /** Expected acceptances held back, in slots: the cost of an acceptance that finds no slot is highest near
   * saturation, which is why the optimal policy keeps fewer pending than m·F/p when few slots are free. */
  reserveSlots: 0.5,
  /** Pace progressively until this many interactions were accepted: before that the estimates rest on the first,
   * shortest handle times and fastest resolutions (dialers likewise predict only after some history). */
  warmUpAccepted: 20,
  /** Fall back to progressive while realised abandonment over ~15 min exceeds this multiple of the goal … */
  breakerMultiple: 2.5,
  /** … with at least this many (discounted) accepted interactions behind it. */
  breakerMinAccepted: 60,
} as const;

/**
 * `value` when it is a finite number, else `fallback`. A NaN in the learned state would fail its own check when
 * read back (JSON writes NaN as null) and cold-start the target: a degenerate interval keeps the previous value.
 */
function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

/**
 * Expected abandonments of the interactions that joined the queue this interval, from where they joined it: of
 * the `joined` newest of `waiting` interactions, the one with j others ahead is served only if a slot frees before
 * its patience runs out and, in the Markov model (busy slots freeing at `freeingPerSecond`, patience hazard
 * `abandonPerSecond`), abandons with probability `(j+1)θ / (μ + (j+1)θ)` (the product over the queue positions it
 * moves through telescopes to this). It charges each new waiting interaction its expected abandonment at once,
 * instead of the queue-time hazard while it waits, which is far less noisy: the waiting times' own randomness
 * (which slot frees when, who runs out of patience) is averaged out.
 */
export function entryAbandonRisk(
  joined: number,
  waiting: number,
  freeingPerSecond: number,
  abandonPerSecond: number,
): number {
  const newest = Math.min(Math.max(0, Math.floor(joined)), Math.max(0, Math.floor(waiting)));
  let risk = 0;
  for (let j = Math.floor(waiting) - newest; j < Math.floor(waiting); j++) {
    const hazard = (j + 1) * abandonPerSecond;
    risk += hazard > 0 ? hazard / (Math.max(0, freeingPerSecond) + hazard) : 0;
  }
  return risk;
}

/**
 * `adaptive`, the production policy: a fast inner loop on live state and a slow outer trim on the goal.
 *
 * Inner loop (every interval): the capacity expected during the look-ahead horizon h (the estimated mean
 * invite → accept delay) is `C = F + B·(1 − e^(−h/AHT)) − Q`; the pipeline is filled so that the acceptances still
 * to come from the invitations pending now (A: the accept-delay fit's share per pending invitation times the
 * pending count — not p̂·P, because old pending invitations mostly end in a decline or expiry, and not the fit
 * alone, which still counts an invitation accepted a moment ago) plus those of new invitations reach
 * `m·C − reserve`: `k = ⌊(m·C − reserve − A) / p̂⌋`, and never fewer than progressive pacing (`F − Q − P`) would
 * send. Nothing beyond that is sent while the expected capacity is taken.
 *
 * Outer trim (every interval): `log m += κ·(aim·accepted − c·R)`, where R is the entry risk (see
 * {@link entryAbandonRisk}) of the interactions that joined the queue, and c calibrates it to the expected
 * abandonments (queue × patience hazard, itself unbiased over time because the patience estimate is fitted to
 * counted abandonments): `log c += κ_c·(expected abandons − c·R)` with a one-hour time constant. The trim moves
 * with the low-noise forecast; only the calibration sees the noisy signal, so the trim wanders less and the
 * policy works closer to the best fixed trim, while over hours abandonment still goes to the aim. At low volumes
 * both gains hit a ceiling, the trim's at half the calibration's, so the trim stays the slower of the two.
 *
 * Circuit breaker: when realised abandonment over ~15 min exceeds 2.5× the goal on enough volume, it paces
 * progressively (never overbooks) until the rate falls back.
 */
export const adaptivePolicy: PacingPolicy<AdaptiveStateV1> = {
  name: 'adaptive',
  initialState: (): AdaptiveState => ({
    logTrim: Math.log(adaptiveTuning.initialTrim),
    logCalibration: Math.log(adaptiveTuning.initialCalibration),
    allowed: 0,
  }),
  // A named read: a read by computed key (hasFiniteNumbers) boxes the double, for every target every round.
  // A state without logCalibration (written before it existed) is read with the calibration at 1.
  isState: (value): value is AdaptiveStateV1 =>
    isRecord(value) &&
    isFiniteNumber(value.logTrim) &&
    (value.logCalibration === undefined || isFiniteNumber(value.logCalibration)) &&
    (value.allowed === undefined || (isFiniteNumber(value.allowed) && value.allowed >= 0)),
  decide(obs, estimates, state, options) {
    const t = adaptiveTuning;
    const seconds = Math.max(0, obs.deltas.statsSeconds);
    const aim = t.aimShareOfGoal * obs.goalRatio;
    const volumePerTimeConstant = aim * estimates.acceptedPerSecond * t.trimTimeConstantSeconds;
    const gain = Math.min(t.maxTrimGain, 1 / Math.max(volumePerTimeConstant, 1e-9));
    const calibrationVolume = aim * estimates.acceptedPerSecond * t.calibrationTimeConstantSeconds;
    const calibrationGain = Math.min(t.maxCalibrationGain, 1 / Math.max(calibrationVolume, 1e-9));
    const expectedAbandons = estimates.expectedAbandonsPerSecond * seconds;
    const risk =
      seconds > 0
        ? entryAbandonRisk(
            obs.deltas.queueAccepted,
            obs.waiting,
            obs.busySlots / estimates.handleSeconds,
            1 / estimates.patienceSeconds,
          )
        : 0;
    const previousCalibration = isFiniteNumber(state.logCalibration) ? state.logCalibration : 0;
    const logCalibration = finiteOr(
      Math.min(
        Math.log(t.maxCalibration),
        Math.max(
          Math.log(t.minCalibration),
          previousCalibration + calibrationGain * (expectedAbandons - Math.exp(previousCalibration) * risk),
        ),
      ),
      previousCalibration,
    );
    const trimError = aim * obs.deltas.queueAccepted - Math.exp(logCalibration) * risk;
    // Anti-windup: while the platform sent fewer invitations than the previous decision allowed, the allowance
    // did not bind (too few visitors, or a cap), so low abandonment says nothing about overbooking: the trim may
    // fall, and rise up to 1 (filling the expected capacity), but not further while the actuator is saturated.
    const previousAllowed = isFiniteNumber(state.allowed) ? state.allowed : 0;
    const isSaturated = obs.hasEngagementReport && obs.deltas.sent < previousAllowed;
    // While warming up the trim does not act (progressive pacing), so it does not integrate either.
    const isWarmingUp = estimates.acceptedTotal < t.warmUpAccepted;
    const integrated = isWarmingUp ? state.logTrim : state.logTrim + gain * trimError;
    const logTrim = finiteOr(
      Math.min(
        isSaturated ? Math.max(state.logTrim, 0) : Math.log(t.maxTrim),
        Math.max(Math.log(t.minTrim), integrated),
      ),
      state.logTrim,
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
    if (isWarmingUp) {
      invites = progressive;
      mode = 'warming up (progressive)';
    } else if (isBreakerOpen) {
      invites = progressive;
      mode = 'breaker (progressive)';
    }
    return {
      invites,
      // An unchanged state keeps its object: nothing new to allocate and retain for a quiet target.
      state:
        logTrim === state.logTrim && logCalibration === state.logCalibration && invites === state.allowed
          ? state
          : { logTrim, logCalibration, allowed: invites },
      // One template, flattened: 10,000 explanations live until the round ends (see flattened).
      explanation:
        options?.explain === false
          ? mode
          : flattened(
              `${mode}: capacity ${formatFixed(capacity, 2)} (free ${formatFixed(obs.freeSlots, 1)} + freeing ` +
                `${formatFixed(freeing, 2)} − waiting ${obs.waiting}), trim ${formatFixed(trim, 2)}, p̂ ${formatFixed(p, 3)}, ` +
                `${formatFixed(estimates.acceptancesToCome, 2)} acceptances to come from ${obs.pending} pending`,
            ),
    };
  },
  // A guarded interval allows nothing: the next decision must not read its sends as a saturated allowance.
  skip: (_obs, state) =>
    state.allowed === undefined || state.allowed === 0 ? state : { ...state, allowed: 0 },
};
