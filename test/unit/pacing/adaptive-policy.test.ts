import {
  acceptancesToComeFromPending,
  acceptDelayGridSeconds,
  expectedPendingIn,
  initialAcceptDelayState,
  updateAcceptDelay,
} from '../../../src/pacing/accept-delay-estimator.js';
import { adaptivePolicy, adaptiveTuning, entryAbandonRisk } from '../../../src/pacing/adaptive-policy.js';
import { decideAll, initialEstimatorState, readEstimates } from '../../../src/pacing/index.js';
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
  const decideWith = (policyState: unknown, overrides = {}) => {
    const obs = anObservation(overrides);
    return decideAll('adaptive', [obs], {
      [obs.targetId]: { version: 2, policy: 'adaptive', estimators: initialEstimatorState(), policyState },
    }).states[obs.targetId]!.policyState as Record<string, number>;
  };

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

  it('raises the calibration when the queue abandons more than the entry risk forecast', () => {
    // Three have waited the whole interval and none joined: expected abandonments but no entry risk.
    const next = decideWith(
      { logTrim: Math.log(0.7), logCalibration: 0 },
      { freeSlots: 0, busySlots: 10, waiting: 3, deltas: { ...anObservation().deltas, queueAccepted: 0 } },
    );
    expect(next['logCalibration']).toBeGreaterThan(0);
    expect(next['logCalibration']).toBeLessThanOrEqual(Math.log(adaptiveTuning.maxCalibration));
  });
});
