/**
 * Fencing port: answers whether this instance still holds a lease that has not expired by its own clock. The
 * engine asks right before each publish, so a leader that lost its lease mid-cycle publishes nothing.
 */
export interface LeaseFence {
  /** True while this instance is the lease holder and the lease is valid at `nowMs` (sharded: holds any shard). */
  holdsValidLease(nowMs: number): boolean;
  /**
   * While holding the lease (sharded: any shard), the earliest time from which no earlier holder can have
   * published under it; a slot starting at or after it is ours alone, even when we took over mid-slot. Absent or
   * undefined: only slots that start after we acquired are safe.
   */
  exclusiveSinceMs?(): number | undefined;
  /**
   * Unsharded: the fencing token sent with each publish (the resourceVersion of our latest Lease write), so the
   * platform can refuse a late publish of a replica that lost the lease since. Absent or undefined: none is sent.
   */
  fencingToken?(): string | undefined;
  /**
   * While holding the lease: true when this hold took back a lapsed hold of this same process that nobody else
   * held in between (a missed renewal made good), so what the engine kept from before the lapse is still the
   * newest. Absent: never (a worker then reloads its saved learned state on every gain).
   */
  isResumedHold?(): boolean;
  /** Present when targets are spread over several shard leases; absent: one lease covers every target. */
  readonly shards?: ShardFence | undefined;
}

/**
 * The per-shard view of a sharded fence: a target belongs to exactly one shard (a stable hash of its key), and
 * only the holder of that shard's lease may publish it, checked right before each publish like the lease itself.
 */
export interface ShardFence {
  /** Number of shards (≥ 2; one shard is the plain lease). */
  readonly count: number;
  /** The shard of a target, from its `namespace/name` key; the same on every replica and every release. */
  shardOf(targetKey: string): number;
  /** True while this instance holds the lease of `shard` and it is valid at `nowMs`. */
  holdsShard(shard: number, nowMs: number): boolean;
  /**
   * Since when this instance holds `shard` alone (undefined when it does not, or when unknown): see
   * {@link LeaseFence.exclusiveSinceMs}. A cycle paces a shard only from a slot starting at or after it: a shard
   * taken over mid-slot was maybe published by its previous holder for that same slot.
   */
  exclusiveSinceMs?(shard: number): number | undefined;
  /** The fencing token of `shard`'s Lease while this instance holds it (see {@link LeaseFence.fencingToken}). */
  fencingToken?(shard: number): string | undefined;
  /** True when this instance's hold of `shard` resumed a lapsed one of its own (see LeaseFence.isResumedHold). */
  isResumedHold?(shard: number): boolean;
}

/** A fence that always answers true: for a single replica run without leader election. */
export const alwaysLeader: LeaseFence = { holdsValidLease: () => true };

/** True while `shard` is held at `nowMs` and, when `heldSinceAtMostMs` is given, held alone since then at the latest. */
export function holdsShardSince(
  shards: ShardFence,
  shard: number,
  nowMs: number,
  heldSinceAtMostMs?: number,
): boolean {
  if (!shards.holdsShard(shard, nowMs)) return false;
  const since = heldSinceAtMostMs === undefined ? undefined : shards.exclusiveSinceMs?.(shard);
  return since === undefined || heldSinceAtMostMs === undefined || since <= heldSinceAtMostMs;
}
