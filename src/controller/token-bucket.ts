import type { Clock } from './clock.js';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (> 0). */
  ratePerSecond: number;
  /** Most tokens held at once (>= 1); the bucket starts full. */
  burst: number;
  /** Source of time. */
  clock: Clock;
}

/**
 * A token bucket read through an injected clock, as in golang.org/x/time/rate: `reserve()` takes a token now
 * (possibly going into debt) and says how long the caller must wait for it.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #lastMs: number;

  /** @throws RangeError when rate or burst is not positive. */
  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    if (!(options.burst >= 1)) throw new RangeError('burst must be >= 1');
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#burst = options.burst;
    this.#clock = options.clock;
    this.#tokens = options.burst;
    this.#lastMs = options.clock.nowMs();
  }

  #refill(): void {
    const now = this.#clock.nowMs();
    const elapsed = Math.max(0, now - this.#lastMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#ratePerMs);
    this.#lastMs = now;
  }

  /** Takes one token if one is available now; false (and nothing taken) otherwise. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes one token, possibly into debt; returns the milliseconds to wait before using it (0 if none). */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens / this.#ratePerMs);
  }

  /** True when the bucket holds its full burst (it then carries no history worth keeping). */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.#burst;
  }

  /** Milliseconds until one whole token is available (0 when one is there now). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#ratePerMs);
  }
}
