/**
 * Cycle timing on a fixed grid: slot k starts at k × periodMs of wall-clock time (sharded: plus the shard's phase).
 * Starting on the grid (instead of "period after the last cycle ended") is what keeps cycles from drifting, and
 * what lets replicas agree on cycle ids without talking to each other.
 */

/**
 * The start of the next slot to run: the first grid point at or after `nowMs`, but always after `lastSlotMs`,
 * so one slot never runs twice even when a cycle takes no time at all.
 */
export function nextSlotStartMs(nowMs: number, periodMs: number, lastSlotMs: number | undefined): number {
  const onGrid = Math.ceil(nowMs / periodMs) * periodMs;
  if (lastSlotMs === undefined || onGrid > lastSlotMs) return onGrid;
  return (Math.floor(lastSlotMs / periodMs) + 1) * periodMs;
}

/** How many grid slots lie strictly between `lastSlotMs` and `nextSlotMs`: the slots an overrun skipped. */
export function skippedSlotCount(lastSlotMs: number, nextSlotMs: number, periodMs: number): number {
  return Math.max(0, Math.round((nextSlotMs - lastSlotMs) / periodMs) - 1);
}

/** The cycle id of a slot: its start time, raised above the last id published, so ids stay monotonic. */
export function cycleIdOf(slotStartMs: number, lastCycleId: number): number {
  return Math.max(Math.floor(slotStartMs), lastCycleId + 1);
}

/** The start of the slot under way at `nowMs` on the grid shifted by `phaseMs`: the last grid point at or before it. */
export function currentSlotStartMs(nowMs: number, periodMs: number, phaseMs = 0): number {
  return Math.floor((nowMs - phaseMs) / periodMs) * periodMs + phaseMs;
}

/**
 * Sharded: where a shard's slots sit in the period. The shards are spread evenly over it (shard 0 on the plain
 * grid), so the replicas holding them ask the statistics source and publish one after the other, not at once.
 */
export function shardPhaseMs(shard: number, shardCount: number, periodMs: number): number {
  return Math.floor((shard * periodMs) / shardCount);
}
