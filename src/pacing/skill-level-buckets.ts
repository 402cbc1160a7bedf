import { compareLevel, type SkillComparison } from './skill-expression.js';

/** Levels 0 … this − 1 are bucketed; skill levels are small whole numbers in practice. */
const bucketCount = 64;

/**
 * The agents of each whole skill level 0–63 as bitsets (bit i of word i >>> 5), undefined for a level nobody has;
 * the whole result is undefined when some agent's level is not such a whole number. With buckets a comparison
 * (`Sales >= 3`) is a few word-wise ORs instead of one test per agent: a snapshot's expressions compare one skill
 * with many levels (20 comparisons over 50,000 agents in the benchmark cluster).
 */
export function skillLevelBuckets(
  levels: Float64Array,
  words: number,
): (Uint32Array | undefined)[] | undefined {
  const buckets = new Array<Uint32Array | undefined>(bucketCount).fill(undefined);
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const whole = level | 0;
    // −0 lands in bucket 0: it compares as 0 does under every operator.
    if (whole !== level || whole < 0 || whole >= bucketCount) return undefined;
    const bucket = (buckets[whole] ??= new Uint32Array(words));
    bucket[i >>> 5]! |= 1 << (i & 31);
  }
  return buckets;
}

/** The agents whose level satisfies `level operator wanted`: the union of the buckets whose level does. */
export function compareLevelBuckets(
  buckets: readonly (Uint32Array | undefined)[],
  operator: SkillComparison['operator'],
  wanted: number,
  words: number,
): Uint32Array {
  const out = new Uint32Array(words);
  for (let level = 0; level < buckets.length; level++) {
    const bucket = buckets[level];
    if (bucket === undefined || !compareLevel(level, operator, wanted)) continue;
    for (let w = 0; w < words; w++) out[w]! |= bucket[w]!;
  }
  return out;
}
