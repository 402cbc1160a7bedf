import fc from 'fast-check';
import {
  findCondition,
  formatConditionTime,
  setCondition,
  type Condition,
  type ConditionStatus,
  type ConditionUpdate,
} from '../../../src/api/index.js';

const t0 = new Date('2026-11-25T18:00:00.000Z');
const t1 = new Date('2026-11-25T18:05:30.750Z');

const ready = (status: ConditionStatus, reason: string, message = ''): ConditionUpdate => ({
  type: 'Ready',
  status,
  reason,
  message,
});

describe('setCondition', () => {
  it('appends a new condition stamped with the time and generation', () => {
    expect(
      setCondition(undefined, ready('True', 'WorkerRunning'), { observedGeneration: 3, now: t0 }),
    ).toEqual([
      {
        type: 'Ready',
        status: 'True',
        reason: 'WorkerRunning',
        message: '',
        observedGeneration: 3,
        lastTransitionTime: '2026-11-25T18:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when the status stays, while reason, message and generation move', () => {
    const before = setCondition([], ready('False', 'StatsStale', 'old'), { observedGeneration: 1, now: t0 });
    const after = setCondition(before, ready('False', 'ExchangeFailed', 'new'), {
      observedGeneration: 2,
      now: t1,
    });
    expect(after).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'ExchangeFailed',
        message: 'new',
        observedGeneration: 2,
        lastTransitionTime: '2026-11-25T18:00:00Z',
      },
    ]);
  });

  it('moves lastTransitionTime when the status flips', () => {
    const before = setCondition([], ready('False', 'Pending'), { observedGeneration: 1, now: t0 });
    const after = setCondition(before, ready('True', 'WorkerRunning'), { observedGeneration: 1, now: t1 });
    expect(findCondition(after, 'Ready')?.lastTransitionTime).toBe('2026-11-25T18:05:30Z');
  });

  it('leaves other conditions and their order alone and never mutates its input', () => {
    const start = setCondition(
      setCondition([], ready('True', 'WorkerRunning'), { observedGeneration: 1, now: t0 }),
      { type: 'Degraded', status: 'False', reason: 'NoAlarms', message: '' },
      { observedGeneration: 1, now: t0 },
    );
    const frozen = structuredClone(start);
    const next = setCondition(start, ready('False', 'Stopped'), { observedGeneration: 1, now: t1 });
    expect(start).toEqual(frozen);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'Degraded']);
    expect(next[1]).toEqual(start[1]);
  });

  it('formats times in whole seconds like metav1.Time', () => {
    expect(formatConditionTime(t1)).toBe('2026-11-25T18:05:30Z');
  });

  it('formats each time right when called again within a second, after it, and before it', () => {
    const at = (iso: string) => formatConditionTime(new Date(iso));
    expect(at('2026-11-25T18:05:30.100Z')).toBe('2026-11-25T18:05:30Z');
    expect(at('2026-11-25T18:05:30.999Z')).toBe('2026-11-25T18:05:30Z');
    expect(at('2026-11-25T18:05:31.000Z')).toBe('2026-11-25T18:05:31Z');
    expect(at('2026-11-25T18:05:29.500Z')).toBe('2026-11-25T18:05:29Z');
    expect(at('1969-12-31T23:59:59.500Z')).toBe('1969-12-31T23:59:59Z');
    expect(() => at('not a time')).toThrow(RangeError);
  });
});

describe('setCondition properties', () => {
  const update = fc.record({
    type: fc.constantFrom('Ready', 'Accepted', 'Pacing'),
    status: fc.constantFrom<ConditionStatus>('True', 'False', 'Unknown'),
    reason: fc.constantFrom('Valid', 'Paused', 'Pending'),
    message: fc.string({ maxLength: 8 }),
  });
  const step = fc.record({
    update,
    generation: fc.integer({ min: 0, max: 100 }),
    now: fc.date({ min: t0, max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
  });

  it('never moves lastTransitionTime without a status flip, and keeps one entry per type', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let conditions: Condition[] = [];
        for (const { update: u, generation, now } of steps) {
          const before = findCondition(conditions, u.type);
          conditions = setCondition(conditions, u, { observedGeneration: generation, now });
          const after = findCondition(conditions, u.type)!;
          expect(after.observedGeneration).toBe(generation);
          expect(after.status).toBe(u.status);
          if (before !== undefined && before.status === u.status) {
            expect(after.lastTransitionTime).toBe(before.lastTransitionTime);
          } else {
            expect(after.lastTransitionTime).toBe(formatConditionTime(now));
          }
          expect(new Set(conditions.map((c) => c.type)).size).toBe(conditions.length);
        }
      }),
    );
  });

  it('returns a list equal to its input when the same update is applied again', () => {
    fc.assert(
      fc.property(update, step, (u, later) => {
        const once = setCondition([], u, { observedGeneration: 4, now: t0 });
        expect(setCondition(once, u, { observedGeneration: 4, now: later.now })).toEqual(once);
      }),
    );
  });

  it('returns the very same list when nothing changes, and a new one when anything does', () => {
    const once = setCondition([], ready('True', 'ClusterReady', 'paced'), { observedGeneration: 4, now: t0 });
    expect(
      setCondition(once, ready('True', 'ClusterReady', 'paced'), { observedGeneration: 4, now: t1 }),
    ).toBe(once);
    for (const [update, generation] of [
      [ready('True', 'ClusterReady', 'paced again'), 4],
      [ready('True', 'Other', 'paced'), 4],
      [ready('False', 'ClusterReady', 'paced'), 4],
      [ready('True', 'ClusterReady', 'paced'), 5],
    ] as const) {
      expect(setCondition(once, update, { observedGeneration: generation, now: t1 })).not.toBe(once);
    }
  });
});
