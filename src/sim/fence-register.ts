import { compareFencingTokens, type FencingToken } from '../api/protocol/index.js';

/**
 * What a fencing engagement platform remembers: the highest fencing token it applied per target. An allowance
 * with an older token comes from a replica that lost the Lease after a newer holder published, so it is refused.
 */
export class FenceRegister {
  readonly #highest = new Map<string, FencingToken>();

  /** True when `fence` is older than a token already applied for `targetId` (no token is never stale). */
  isStale(targetId: string, fence: FencingToken | undefined): boolean {
    if (fence === undefined) return false;
    const highest = this.#highest.get(targetId);
    return highest !== undefined && compareFencingTokens(fence, highest) < 0;
  }

  /** Remembers that an allowance with `fence` was applied for `targetId`. */
  applied(targetId: string, fence: FencingToken | undefined): void {
    if (fence === undefined) return;
    const highest = this.#highest.get(targetId);
    if (highest === undefined || compareFencingTokens(fence, highest) > 0) this.#highest.set(targetId, fence);
  }

  /** The highest token applied for `targetId`, if any. */
  highest(targetId: string): FencingToken | undefined {
    return this.#highest.get(targetId);
  }
}
