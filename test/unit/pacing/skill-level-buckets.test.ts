import { compareLevelBuckets, skillLevelBuckets } from '../../../src/pacing/skill-level-buckets.js';

/** The agents (indexes) set in a bitset. */
function members(bits: Uint32Array, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if ((bits[i >>> 5]! >>> (i & 31)) & 1) out.push(i);
  return out;
}

describe('skill level buckets', () => {
  const levels = Float64Array.from({ length: 70 }, (_, i) => (i * 7) % 11);
  const words = Math.ceil(levels.length / 32);

  it.each(['=', '!=', '>=', '<=', '>', '<'] as const)(
    'answer `%s` as a comparison agent by agent does',
    (operator) => {
      const buckets = skillLevelBuckets(levels, words)!;
      for (const wanted of [-1, 0, 3, 3.5, 10, 64, Number.NaN]) {
        const expected: number[] = [];
        levels.forEach((level, i) => {
          const holds =
            operator === '='
              ? level === wanted
              : operator === '!='
                ? level !== wanted
                : operator === '>='
                  ? level >= wanted
                  : operator === '<='
                    ? level <= wanted
                    : operator === '>'
                      ? level > wanted
                      : level < wanted;
          if (holds) expected.push(i);
        });
        expect(members(compareLevelBuckets(buckets, operator, wanted, words), levels.length)).toEqual(
          expected,
        );
      }
    },
  );

  it('are not made when a level is fractional, negative, 64 or more, or not a number', () => {
    for (const odd of [2.5, -1, 64, Number.NaN]) {
      const withOdd = Float64Array.from(levels);
      withOdd[40] = odd;
      expect(skillLevelBuckets(withOdd, words)).toBeUndefined();
    }
    expect(skillLevelBuckets(Float64Array.of(-0, 0, 63), 1)).toBeDefined();
  });
});
