import fc from 'fast-check';
import {
  ConditionPool,
  shareStatusConditions,
  sharedConditionPool,
} from '../../../src/controller/condition-pool.js';

const ready = () => ({
  type: 'Ready',
  status: 'True',
  reason: 'ClusterReady',
  message: 'paced by PacingCluster pacing/scale',
  lastTransitionTime: '2026-11-27T23:30:16Z',
  observedGeneration: 1,
});

describe('ConditionPool', () => {
  it('hands every later equal condition the first one, frozen', () => {
    const pool = new ConditionPool();
    const a = [ready()];
    const b = [ready(), { ...ready(), type: 'Accepted' }];
    pool.shareAll(a);
    pool.shareAll(b);
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    expect(pool.size).toBe(2);
    expect(() => {
      'use strict';
      (a[0] as { status: string }).status = 'False';
    }).toThrow(TypeError);
  });

  it('tells conditions apart by every field', () => {
    const pool = new ConditionPool();
    const list = [
      ready(),
      { ...ready(), lastTransitionTime: '2026-11-27T23:30:17Z' },
      { ...ready(), observedGeneration: 2 },
    ];
    pool.shareAll(list);
    expect(new Set(list).size).toBe(3);
    expect(list).toEqual([
      ready(),
      { ...ready(), lastTransitionTime: '2026-11-27T23:30:17Z' },
      { ...ready(), observedGeneration: 2 },
    ]);
  });

  it('leaves alone what is not a list of flat records', () => {
    const pool = new ConditionPool();
    const nested = { ...ready(), extra: { note: 'x' } };
    const list: unknown[] = [nested, 'text', null, [ready()]];
    pool.shareAll(list);
    pool.shareAll({ 0: ready(), length: 1 });
    pool.shareAll(undefined);
    expect(list[0]).toBe(nested);
    expect(Object.isFrozen(nested)).toBe(false);
    expect(pool.size).toBe(0);
  });

  it('empties itself at capacity instead of growing', () => {
    const pool = new ConditionPool(3);
    pool.shareAll(['a', 'b', 'c', 'd', 'e'].map((reason) => ({ ...ready(), reason })));
    expect(pool.size).toBe(2); // full at d: cleared, then d and e
  });

  it('never changes what a list holds, only which copies', () => {
    const condition = fc.record(
      {
        type: fc.constantFrom('Accepted', 'Ready', 'Pacing'),
        status: fc.constantFrom('True', 'False', 'Unknown'),
        reason: fc.constantFrom('Valid', 'Pacing', 'NoFreeSlots'),
        message: fc.string({ maxLength: 4 }),
        observedGeneration: fc.integer({ min: 1, max: 3 }),
        isExtra: fc.boolean(),
      },
      { requiredKeys: ['type', 'status'] },
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(condition, { maxLength: 4 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        (lists, capacity) => {
          const pool = new ConditionPool(capacity);
          const expected = structuredClone(lists);
          for (const list of lists) pool.shareAll(list);
          expect(lists).toEqual(expected);
          expect(pool.size).toBeLessThanOrEqual(capacity);
        },
      ),
    );
  });

  it('shares the status conditions of a cached object through the process pool', () => {
    const a = { status: { conditions: [ready()] } };
    const b = { status: { conditions: [ready()] } };
    shareStatusConditions(a);
    shareStatusConditions(b);
    shareStatusConditions({ status: 'odd' });
    shareStatusConditions({});
    expect(b.status.conditions[0]).toBe(a.status.conditions[0]);
    expect(sharedConditionPool.size).toBeGreaterThan(0);
  });
});
