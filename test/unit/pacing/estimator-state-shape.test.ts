import {
  acceptanceProbability,
  estimateAcceptance,
  initialAcceptanceState,
  updateAcceptance,
} from '../../../src/pacing/acceptance-estimator.js';
import { estimatorFigureCount } from '../../../src/pacing/estimator-figures.js';
import { isEstimatorState } from '../../../src/pacing/estimator-state-shape.js';
import { initialEstimatorState } from '../../../src/pacing/index.js';

/** A persisted estimator state as the operator reads it back: JSON. */
function persisted(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(initialEstimatorState())) as Record<string, unknown>;
}

describe('the persisted estimator state check (format 2)', () => {
  it('accepts a state as written and read back', () => {
    expect(isEstimatorState(persisted())).toBe(true);
    expect((persisted()['figures'] as number[]).length).toBe(estimatorFigureCount);
  });

  it.each(['acceptedTotal', 'abandonedTotal'])(
    'rejects a state whose %s is missing or not finite',
    (field) => {
      for (const bad of [undefined, null, 'x', Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(isEstimatorState({ ...persisted(), [field]: bad })).toBe(false);
      }
    },
  );

  it('rejects figures with a non-finite entry, of another length, or not an array', () => {
    const state = persisted();
    const figures = [...(state['figures'] as number[])];
    for (const at of [0, 15, figures.length - 1]) {
      const bad = [...figures];
      bad[at] = Number.NaN;
      expect(isEstimatorState({ ...state, figures: bad })).toBe(false);
    }
    expect(isEstimatorState({ ...state, figures: figures.slice(1) })).toBe(false);
    expect(isEstimatorState({ ...state, figures: [...figures, 0] })).toBe(false);
    expect(isEstimatorState({ ...state, figures: 'x' })).toBe(false);
    expect(isEstimatorState([])).toBe(false);
    expect(isEstimatorState(null)).toBe(false);
  });
});

describe('the acceptance probability alone', () => {
  it('is the p of the full estimate', () => {
    let state = initialAcceptanceState();
    for (let i = 0; i < 200; i++) {
      state = updateAcceptance(state, i % 5 === 0 ? 3 : i % 2, 3);
      const { fastAccepted, fastResolved, slowAccepted, slowResolved } = state;
      expect(acceptanceProbability(fastAccepted, fastResolved, slowAccepted, slowResolved)).toBe(
        estimateAcceptance(state).p,
      );
    }
  });
});
