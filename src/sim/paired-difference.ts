/**
 * Two-sided 95 % quantiles of Student's t for 1…30 degrees of freedom; beyond 30 the normal 1.96 is within 2 %.
 * A table, not a library: the bench needs this one figure and nothing else of a statistics package.
 */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
] as const;

/** Mean of the paired differences `a[i] - b[i]` and its 95 % confidence interval (Student's t). */
export interface PairedDifference {
  /** Number of pairs. */
  readonly pairs: number;
  /** Mean difference. */
  readonly mean: number;
  /** Lower end of the 95 % interval. */
  readonly low: number;
  /** Upper end of the 95 % interval. */
  readonly high: number;
}

/**
 * The mean difference of paired samples (the same seed under two policies, so common random numbers cancel) and
 * its 95 % interval. Undefined with fewer than two pairs or lists of different lengths.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference | undefined {
  const n = a.length;
  if (n < 2 || b.length !== n) return undefined;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i]! - b[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (a[i]! - b[i]! - mean) ** 2;
  const halfWidth = (T95[n - 2] ?? 1.96) * Math.sqrt(squares / (n - 1) / n);
  return { pairs: n, mean, low: mean - halfWidth, high: mean + halfWidth };
}
