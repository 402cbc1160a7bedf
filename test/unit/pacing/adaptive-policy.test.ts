import {
  acceptancesToComeFromPending,
  acceptDelayGridSeconds,
  expectedPendingIn,
  initialAcceptDelayState,
  updateAcceptDelay,
} from '../../../src/pacing/accept-delay-estimator.js';
import { adaptivePolicy, adaptiveTuning, entryAbandonRisk } from '../../../src/pacing/adaptive-policy.js';
import { decideAll, initialEstimatorState, readEstimates } from '../../../src/pacing/index.js';
import type { Observation } from '../../../src/pacing/index.js';
import { anObservation } from './observation-fixture.js';

describe('the entry risk of interactions joining the queue', () => {
  it('is nothing when no interaction joined the queue or nobody waits', () => {
    expect(entryAbandonRisk(0, 3, 10 / 300, 1 / 60)).toBe(0);
    expect(entryAbandonRisk(2, 0, 10 / 300, 1 / 60)).toBe(0);
  });

  it('is θ ÷ (μ + θ) for the first in line: the Markov queue with 10 busy slots of 300 s and 60 s patience', () => {
    const mu = 10 / 300;
    const theta = 1 / 60;
    expect(entryAbandonRisk(1, 1, mu, theta)).toBeCloseTo(theta / (mu + theta), 12);
    // One in three abandons: the first slot frees after 30 s on average, patience runs out after 60.
    expect(entryAbandonRisk(1, 1, mu, theta)).toBeCloseTo(1 / 3, 12);
  });

  it('charges the newest arrivals at the back of the queue, each by how many are ahead of it', () => {
    const mu = 0.05;
    const theta = 0.02;
    const atPosition = (ahead: number): number => ((ahead + 1) * theta) / (mu + (ahead + 1) * theta);
    // Two of four waiting joined: they have 2 and 3 ahead of them.
    expect(entryAbandonRisk(2, 4, mu, theta)).toBeCloseTo(atPosition(2) + atPosition(3), 12);
    // More joined than wait now (some were served at once): only those waiting count.
    expect(entryAbandonRisk(5, 2, mu, theta)).toBeCloseTo(atPosition(0) + atPosition(1), 12);
  });

  it('is certain abandonment when no slot is busy to free up', () => {
    expect(entryAbandonRisk(1, 1, 0, 1 / 60)).toBe(1);
  });
});

describe('acceptances to come from the pending count', () => {
  it('gives each pending invitation the share expected of invitations still pending', () => {
    // The fit expects 1.2 acceptances from the 6 invitations it expects to be still pending.
    expect(acceptancesToComeFromPending(6, 1.2, 6, 0.25, 0)).toBeCloseTo(1.2, 12);
    // Only 3 are pending (the others were accepted or declined a moment ago): half as many acceptances to come.
    expect(acceptancesToComeFromPending(3, 1.2, 6, 0.25, 0)).toBeCloseTo(0.6, 12);
  });

  it('never expects more acceptances than pending invitations, nor any without pending ones', () => {
    expect(acceptancesToComeFromPending(2, 5, 1, 0.25)).toBe(2);
    expect(acceptancesToComeFromPending(0, 1.2, 6, 0.25)).toBe(0);
  });

  it("counts pending invitations the fit does not know of at a fresh invitation's odds", () => {
    expect(acceptancesToComeFromPending(4, 0, 0, 0.25)).toBeCloseTo(1, 12);
  });
});

describe('the expected pending count from the exposures', () => {
  it('follows an exponential lifetime of the pending mean, between two grid delays', () => {
    // A burst of 10 invitations at the start of the last interval: with a 16 s mean lifetime about 10·e^(−2/16)
    // remain after the next one (the exposures of 13 s and 17 s, interpolated).
    const state = updateAcceptDelay(initialAcceptDelayState(), 10, 0, 2, 0.25);
    const pending = expectedPendingIn(state.exposure, 0, 2, 16);
    expect(pending).toBeGreaterThan(10 * Math.exp(-2 / 13));
    expect(pending).toBeLessThan(10 * Math.exp(-2 / 17));
    // At a grid delay it is that delay's exposure exactly.
    expect(expectedPendingIn(state.exposure, 0, 2, acceptDelayGridSeconds[6]!)).toBeCloseTo(
      10 * Math.exp(-2 / acceptDelayGridSeconds[6]!),
      12,
    );
  });

  it('lowers the acceptances to come when fewer invitations are pending than sent', () => {
    let estimators = initialEstimatorState();
    for (let k = 0; k < 200; k++) {
      const obs = anObservation({ nowMs: 1_767_600_000_000 + k * 2000 });
      estimators = decideAll('adaptive', [obs], {
        [obs.targetId]: {
          version: 2,
          policy: 'adaptive',
          estimators,
          policyState: adaptivePolicy.initialState(obs.targetId),
        },
      }).states[obs.targetId]!.estimators;
    }
    const many = readEstimates(estimators, anObservation({ pending: 8 })).acceptancesToCome;
    const few = readEstimates(estimators, anObservation({ pending: 2 })).acceptancesToCome;
    expect(few).toBeLessThan(many);
    expect(few).toBeGreaterThan(0);
  });
});

describe('adaptive', () => {
  // Estimators past the warm-up (enough accepted interactions behind them), otherwise at their priors.
  const warmEstimators = () => ({
    ...initialEstimatorState(),
    acceptedTotal: 10 * adaptiveTuning.warmUpAccepted,
  });
  const decideFully = (
    policyState: unknown,
    overrides: Partial<Observation> = {},
    estimators = warmEstimators(),
  ) => {
    const obs = anObservation(overrides);
    const decided = decideAll('adaptive', [obs], {
      [obs.targetId]: { version: 2, policy: 'adaptive', estimators, policyState },
    });
    return {
      decision: decided.decisions[0]!,
      state: decided.states[obs.targetId]!.policyState as Record<string, number>,
    };
  };
  const decideWith = (policyState: unknown, overrides: Partial<Observation> = {}) =>
    decideFully(policyState, overrides).state;

  it('reads a state written before the calibration existed, with the calibration at 1', () => {
    const legacy = { logTrim: Math.log(0.8) };
    expect(adaptivePolicy.isState(legacy)).toBe(true);
    // Nothing queued: the calibration stays at 1 and the trim is kept, not reset to the initial trim.
    const next = decideWith(legacy, { waiting: 0 });
    expect(next['logCalibration']).toBe(0);
    expect(next['logTrim']).toBeGreaterThanOrEqual(Math.log(0.8));
    expect(adaptivePolicy.isState({ logTrim: 0, logCalibration: Number.NaN })).toBe(false);
  });

  it('lowers the trim when an acceptance joins a full queue, and raises it while acceptances find slots', () => {
    const start = { logTrim: Math.log(0.7), logCalibration: 0 };
    const queued = decideWith(start, {
      freeSlots: 0,
      busySlots: 10,
      waiting: 2,
      deltas: { ...anObservation().deltas, queueAccepted: 1 },
    });
    expect(queued['logTrim']).toBeLessThan(start.logTrim);
    const served = decideWith(start, { freeSlots: 3, busySlots: 7, waiting: 0 });
    expect(served['logTrim']).toBeGreaterThan(start.logTrim);
  });

  it('moves the trim at low volumes by at most half the calibration ceiling per interaction of error', () => {
    // The steady 10-slot chat's volume (112 accepted/h): both nominal gains are above their ceilings.
    const obs = anObservation({
      freeSlots: 0,
      busySlots: 10,
      waiting: 2,
      deltas: { ...anObservation().deltas, queueAccepted: 1 },
    });
    const estimates = {
      ...readEstimates(warmEstimators(), obs),
      acceptedPerSecond: 112 / 3600,
      expectedAbandonsPerSecond: 0.5,
      handleSeconds: 300,
      patienceSeconds: 60,
    };
    const start = { logTrim: Math.log(0.7), logCalibration: 0, allowed: 0 };
    const next = adaptivePolicy.decide(obs, estimates, start).state as Record<string, number>;
    const risk = entryAbandonRisk(1, 2, 10 / 300, 1 / 60);
    const expected = 0.5 * obs.deltas.statsSeconds;
    expect(adaptiveTuning.maxTrimGain).toBe(adaptiveTuning.maxCalibrationGain / 2);
    expect(next['logCalibration']).toBeCloseTo(adaptiveTuning.maxCalibrationGain * (expected - risk), 12);
    const aim = adaptiveTuning.aimShareOfGoal * obs.goalRatio;
    expect(next['logTrim']).toBeCloseTo(
      start.logTrim + adaptiveTuning.maxTrimGain * (aim - Math.exp(next['logCalibration']!) * risk),
      12,
    );
  });

  it('raises the calibration when the queue abandons more than the entry risk forecast', () => {
    // Three have waited the whole interval and none joined: expected abandonments but no entry risk.
    const next = decideWith(
      { logTrim: Math.log(0.7), logCalibration: 0 },
      { freeSlots: 0, busySlots: 10, waiting: 3, deltas: { ...anObservation().deltas, queueAccepted: 0 } },
    );
    expect(next['logCalibration']).toBeGreaterThan(0);
    expect(next['logCalibration']).toBeLessThanOrEqual(Math.log(adaptiveTuning.maxCalibration));
  });

  it('reads a state written before the allowance was kept, and keeps the allowance from then on', () => {
    const v2 = { logTrim: Math.log(0.8), logCalibration: 0 };
    expect(adaptivePolicy.isState(v2)).toBe(true);
    const { decision, state } = decideFully(v2);
    expect(state['allowed']).toBe(decision.invites);
    expect(adaptivePolicy.isState(state)).toBe(true);
    expect(adaptivePolicy.isState({ ...v2, allowed: -1 })).toBe(false);
    expect(adaptivePolicy.isState({ ...v2, allowed: Number.NaN })).toBe(false);
    // A fresh state is the current shape.
    expect(Object.keys(adaptivePolicy.initialState('t')).sort()).toEqual([
      'allowed',
      'logCalibration',
      'logTrim',
    ]);
  });

  it('does not raise the trim into overbooking while the platform sends fewer invitations than allowed', () => {
    // Acceptances find slots (no queue): the error says "raise the trim".
    const served = { freeSlots: 3, busySlots: 7, waiting: 0 };
    const fewSent = { ...served, deltas: { ...anObservation().deltas, sent: 2 } };
    const high = { logTrim: Math.log(1.2), logCalibration: 0, allowed: 12 };
    // Saturated by the lead supply (2 of 12 sent): a trim above 1 does not rise …
    expect(decideWith(high, fewSent)['logTrim']).toBe(high.logTrim);
    // … a trim under 1 rises, but not past 1 …
    const justUnder = { logTrim: -1e-4, logCalibration: 0, allowed: 12 };
    expect(decideWith(justUnder, fewSent)['logTrim']).toBe(0);
    // … and when every allowed invitation was sent the allowance binds and the trim rises as before.
    expect(decideWith({ ...high, allowed: 2 }, fewSent)['logTrim']).toBeGreaterThan(high.logTrim);
    // Without an engagement report nothing is known about the sends: no saturation is assumed.
    expect(decideWith(high, { ...fewSent, hasEngagementReport: false })['logTrim']).toBeGreaterThan(
      high.logTrim,
    );
  });

  it('still lowers the trim while saturated when acceptances join a full queue', () => {
    const high = { logTrim: Math.log(1.2), logCalibration: 0, allowed: 12 };
    const next = decideWith(high, {
      freeSlots: 0,
      busySlots: 10,
      waiting: 2,
      deltas: { ...anObservation().deltas, sent: 0, queueAccepted: 1 },
    });
    expect(next['logTrim']).toBeLessThan(high.logTrim);
  });

  it('paces progressively, with the trim held, until enough interactions were accepted', () => {
    const start = { logTrim: Math.log(0.7), logCalibration: 0, allowed: 0 };
    const cold = decideFully(
      start,
      { freeSlots: 6, busySlots: 4, waiting: 0, pending: 2 },
      initialEstimatorState(),
    );
    expect(cold.decision.invites).toBe(4);
    expect(cold.decision.message).toContain('warming up');
    expect(cold.state['logTrim']).toBe(start.logTrim);
    const warm = decideFully(start, { freeSlots: 6, busySlots: 4, waiting: 0, pending: 2 });
    expect(warm.decision.message).not.toContain('warming up');
    expect(warm.state['logTrim']).toBeGreaterThan(start.logTrim);
  });

  it('forgets the allowance over a guarded interval, which allowed nothing', () => {
    const state = { logTrim: 0, logCalibration: 0, allowed: 7 };
    expect(adaptivePolicy.skip(anObservation(), state)).toEqual({ ...state, allowed: 0 });
    const quiet = { ...state, allowed: 0 };
    expect(adaptivePolicy.skip(anObservation(), quiet)).toBe(quiet);
    const legacy = { logTrim: 0 };
    expect(adaptivePolicy.skip(anObservation(), legacy)).toBe(legacy);
  });
});
