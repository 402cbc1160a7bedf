import { acceptanceProbability } from '../../../src/pacing/acceptance-estimator.js';
import { isEstimatorState } from '../../../src/pacing/estimator-state-shape.js';
import {
  estimateAcceptance,
  estimatorNumberFields,
  initialAcceptanceState,
  initialEstimatorState,
  updateAcceptance,
} from '../../../src/pacing/index.js';

/** A persisted estimator state as the operator reads it back: JSON. */
function persisted(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(initialEstimatorState())) as Record<string, unknown>;
}

describe('the persisted estimator state check', () => {
  it('accepts a state as written and read back', () => {
    expect(isEstimatorState(persisted())).toBe(true);
  });

  it.each(estimatorNumberFields)('rejects a state whose %s is missing or not finite', (field) => {
    for (const bad of [undefined, null, 'x', Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isEstimatorState({ ...persisted(), [field]: bad })).toBe(false);
    }
  });

  it.each(['fastAccepted', 'fastResolved', 'slowAccepted', 'slowResolved'])(
    'rejects a state whose acceptance.%s is not finite',
    (field) => {
      const state = persisted();
      const acceptance = { ...(state['acceptance'] as object), [field]: Number.NaN };
      expect(isEstimatorState({ ...state, acceptance })).toBe(false);
    },
  );

  it('rejects accept-delay arrays with a non-finite entry, and non-records', () => {
    const state = persisted();
    const acceptDelay = state['acceptDelay'] as Record<string, number[]>;
    const exposure = [...acceptDelay['exposure']!];
    exposure[3] = Number.NaN;
    expect(isEstimatorState({ ...state, acceptDelay: { ...acceptDelay, exposure } })).toBe(false);
    expect(isEstimatorState({ ...state, acceptDelay: { ...acceptDelay, logLikelihood: 'x' } })).toBe(false);
    expect(isEstimatorState([])).toBe(false);
    expect(isEstimatorState(null)).toBe(false);
  });
});

describe('the acceptance probability alone', () => {
  it('is the p of the full estimate', () => {
    let state = initialAcceptanceState();
    for (let i = 0; i < 200; i++) {
      state = updateAcceptance(state, i % 5 === 0 ? 3 : i % 2, 3);
      expect(acceptanceProbability(state)).toBe(estimateAcceptance(state).p);
    }
  });
});
