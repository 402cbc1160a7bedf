/** Backoff bounds, ms. */
export interface BackoffOptions {
  /** Delay scale of the first retry. */
  baseMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(maxMs, baseMs·2^(retry−1))). Spreading retries at
 * random keeps replicas of many clusters from hitting a recovering platform in lockstep. `random` is the injected
 * source in [0, 1).
 */
export function jitteredBackoffMs(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

export { parseRetryAfterMs } from '../api/protocol/index.js';
