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

/**
 * Parses an HTTP Retry-After value (delta-seconds or an HTTP date) into ms from `nowMs`; undefined when absent
 * or unreadable. Negative results become 0.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
