import type { Clock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

/** Decides how long a failed key waits before its next try; mirrors client-go's workqueue.RateLimiter. */
export interface RetryRateLimiter {
  /** Delay in ms before `key` may be retried; each call counts one more failure of `key`. */
  whenMs(key: string): number;
  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: string): number;
  /** Clears the failure history of `key` (after a success). */
  forget(key: string): void;
}

/** Options of {@link createDefaultRetryRateLimiter}; defaults are client-go's DefaultControllerRateLimiter. */
export interface RetryRateLimiterOptions {
  /** Source of time for the overall bucket. */
  clock: Clock;
  /** First per-key delay, doubled per failure. Default 5 ms. */
  baseDelayMs?: number;
  /** Cap of the per-key delay. Default 1000 s. */
  maxDelayMs?: number;
  /** Overall retry rate across all keys. Default 10 per second. */
  overallRatePerSecond?: number;
  /** Overall burst. Default 100. */
  overallBurst?: number;
}

/**
 * The larger of a per-key exponential backoff (5 ms × 2^failures, capped at 1000 s) and an overall token
 * bucket (10/s, burst 100), so one broken object backs off alone while a storm of failures is also bounded.
 */
export function createDefaultRetryRateLimiter(options: RetryRateLimiterOptions): RetryRateLimiter {
  const baseDelayMs = options.baseDelayMs ?? 5;
  const maxDelayMs = options.maxDelayMs ?? 1_000_000;
  const bucket = new TokenBucket({
    clock: options.clock,
    ratePerSecond: options.overallRatePerSecond ?? 10,
    burst: options.overallBurst ?? 100,
  });
  const failures = new Map<string, number>();
  return {
    whenMs(key) {
      const count = failures.get(key) ?? 0;
      failures.set(key, count + 1);
      // 2^count overflows to Infinity for large counts; min() keeps the cap.
      const perKey = Math.min(maxDelayMs, baseDelayMs * 2 ** count);
      return Math.max(perKey, bucket.reserve());
    },
    numRequeues: (key) => failures.get(key) ?? 0,
    forget: (key) => {
      failures.delete(key);
    },
  };
}
