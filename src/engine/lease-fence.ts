/**
 * Fencing port: answers whether this instance still holds a lease that has not expired by its own clock. The
 * engine asks right before each publish, so a leader that lost its lease mid-cycle publishes nothing.
 */
export interface LeaseFence {
  /** True while this instance is the lease holder and the lease is valid at `nowMs`. */
  holdsValidLease(nowMs: number): boolean;
}

/** A fence that always answers true: for a single replica run without leader election. */
export const alwaysLeader: LeaseFence = { holdsValidLease: () => true };
