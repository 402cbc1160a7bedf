import fc from 'fast-check';
import { StringPool } from '../../../src/controller/string-pool.js';

/** A copy of `s` that is a different string object (V8 has no identity test for strings; heap use shows it). */
const copyOf = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('StringPool', () => {
  it('hands back the first copy of a string for every later equal one', () => {
    const pool = new StringPool();
    const first = pool.intern(copyOf('paced by PacingCluster pacing/scale'));
    expect(pool.intern(copyOf('paced by PacingCluster pacing/scale'))).toBe(first);
    expect(pool.size).toBe(1);
  });

  it('leaves long strings out of the pool', () => {
    const pool = new StringPool({ maxLength: 8 });
    expect(pool.intern('123456789')).toBe('123456789');
    expect(pool.intern('12345678')).toBe('12345678');
    expect(pool.size).toBe(1);
  });

  it('empties itself at capacity instead of growing', () => {
    const pool = new StringPool({ capacity: 3 });
    for (const s of ['a', 'b', 'c', 'd', 'e']) pool.intern(s);
    expect(pool.size).toBe(2); // a, b, c; full at d: cleared, then d and e
  });

  it('rewrites the string values of a JSON tree in place, except per-object unique keys, and keeps its shape', () => {
    const pool = new StringPool();
    const tree = {
      metadata: { name: 't-1', namespace: 'pacing', uid: 'u-1', resourceVersion: '17', generation: 2 },
      spec: { media: 'chat', groups: [{ names: ['chat', 'voice'] }], paused: false, goal: null },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const before = structuredClone(tree);
    expect(pool.internAll(tree)).toBe(tree);
    expect(tree).toEqual(before);
    // t-1, pacing, chat (twice), voice, Ready and True; uid and resourceVersion stay out.
    expect(pool.size).toBe(6);
  });

  it('skips frozen objects instead of throwing', () => {
    const pool = new StringPool();
    const frozen = Object.freeze({ reason: 'Frozen' });
    expect(() => pool.internAll({ nested: frozen, other: 'x' })).not.toThrow();
    expect(pool.size).toBe(1);
  });

  it('never changes the value of any JSON tree (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 16 }), (value, capacity) => {
        const pool = new StringPool({ capacity, maxLength: 12 });
        const copy = structuredClone(value);
        expect(pool.internAll(copy)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});
