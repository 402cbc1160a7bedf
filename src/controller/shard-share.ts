/** What a replica knows when it decides how many shards to hold. */
export interface ShardShareInput {
  /** Number of shards. */
  readonly shardCount: number;
  /** Shards this replica holds (or is acquiring) now. */
  readonly held: number;
  /** Live replicas, this one included (at least 1). */
  readonly alive: number;
  /** Fewest shards any other live replica holds; undefined when this replica is alone. */
  readonly fewestHeldByPeer?: number | undefined;
}

/** How many shards a replica should hold, and what it should do about it. */
export interface ShardShareDecision {
  /** ceil(shards / alive): the most a replica takes while others are alive. */
  readonly fairShare: number;
  /** floor(shards / alive): the least every replica should end up with. */
  readonly floorShare: number;
  /** True when this replica may take one more shard. */
  readonly mayAcquire: boolean;
  /** How many shards to hand back (after the hold-down), so a peer below its share takes them. */
  readonly surplus: number;
}

/**
 * The fair-share rule of sharding, a pure function so that it is table-tested: take shards while below
 * ceil(S / alive); hand back what is above it; and, when a peer is starved (below floor(S / alive)), neither take
 * beyond the floor nor keep more than it, so the starved peer gets the next free shard.
 */
export function decideShardShare(input: ShardShareInput): ShardShareDecision {
  const alive = Math.max(1, input.alive);
  const fairShare = Math.ceil(input.shardCount / alive);
  const floorShare = Math.floor(input.shardCount / alive);
  const isPeerStarved = input.fewestHeldByPeer !== undefined && input.fewestHeldByPeer < floorShare;
  const cap = isPeerStarved ? floorShare : fairShare;
  return {
    fairShare,
    floorShare,
    mayAcquire: input.held < cap,
    // Keep a surplus of at most what the starved peer needs: one shard handed back at a time avoids flapping.
    surplus:
      input.held > fairShare ? input.held - fairShare : isPeerStarved && input.held > floorShare ? 1 : 0,
  };
}
