import { estimatorStateFromV1, isEstimatorStateV1 } from '../../../src/pacing/estimator-state-v1.js';
import {
  decideAll,
  estimatorNumberFields,
  type EstimatorState,
  type Observation,
  type TargetState,
} from '../../../src/pacing/index.js';
import { anObservation } from './observation-fixture.js';

const id = 'Proactive Chat:chat';

/** Format-1 estimators with the same figures as `state` (the layout of format 2 read back by hand). */
function asV1(state: EstimatorState): Record<string, unknown> {
  const f = state.figures;
  const named = Object.fromEntries(estimatorNumberFields.slice(0, 12).map((name, i) => [name, f[i]]));
  return {
    acceptance: { fastAccepted: f[12], fastResolved: f[13], slowAccepted: f[14], slowResolved: f[15] },
    acceptDelay: { exposure: f.slice(16, 27), logLikelihood: f.slice(27, 38) },
    ...named,
    acceptedTotal: state.acceptedTotal,
    abandonedTotal: state.abandonedTotal,
  };
}

/** Observations of a target whose counts vary from interval to interval. */
function intervals(count: number): Observation[] {
  return Array.from({ length: count }, (_, i) => {
    const base = anObservation();
    return anObservation({
      pending: i % 5,
      waiting: i % 3,
      deltas: {
        ...base.deltas,
        sent: 2 + (i % 4),
        inviteAccepted: i % 3,
        declined: i % 2,
        queueAccepted: i % 3,
      },
    });
  });
}

describe('learned state of format 1 (nested estimators)', () => {
  it('is read and migrated: the next decisions and states are those of the same figures in format 2', () => {
    let states: Record<string, TargetState> = {};
    for (const obs of intervals(40)) states = decideAll('adaptive', [obs], states).states;
    const current = states[id]!;
    const saved = JSON.parse(
      JSON.stringify({ [id]: { ...current, version: 1, estimators: asV1(current.estimators) } }),
    ) as Record<string, unknown>;
    let fromV1: Readonly<Record<string, unknown>> = saved;
    let fromV2: Readonly<Record<string, unknown>> = states;
    for (const obs of intervals(10)) {
      const a = decideAll('adaptive', [obs], fromV1);
      const b = decideAll('adaptive', [obs], fromV2);
      expect(a).toEqual(b);
      fromV1 = a.states;
      fromV2 = b.states;
    }
    expect((fromV1[id] as TargetState).version).toBe(2);
  });

  it('keeps the totals by name, where tools read them from saved state', () => {
    const saved = JSON.parse(JSON.stringify(decideAll('adaptive', [anObservation()], {}).states)) as Record<
      string,
      { estimators: { acceptedTotal: number } }
    >;
    expect(saved[id]!.estimators.acceptedTotal).toBe(1);
  });

  it('migrates every figure to its place', () => {
    let states: Record<string, TargetState> = {};
    for (const obs of intervals(5)) states = decideAll('adaptive', [obs], states).states;
    const estimators = states[id]!.estimators;
    const v1 = asV1(estimators);
    expect(isEstimatorStateV1(v1)).toBe(true);
    expect(estimatorStateFromV1(v1 as never)).toEqual(estimators);
  });

  it('is not read when a field is missing or an accept-delay array is short (cold start)', () => {
    const v1 = asV1(decideAll('adaptive', [anObservation()], {}).states[id]!.estimators);
    expect(isEstimatorStateV1({ ...v1, secondsSum: undefined })).toBe(false);
    const acceptDelay = v1['acceptDelay'] as { exposure: number[]; logLikelihood: number[] };
    expect(isEstimatorStateV1({ ...v1, acceptDelay: { ...acceptDelay, exposure: [1, 2] } })).toBe(false);
    expect(isEstimatorStateV1({ ...v1, acceptance: { fastAccepted: 1 } })).toBe(false);
    expect(isEstimatorStateV1('x')).toBe(false);
  });
});
