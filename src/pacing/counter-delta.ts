/**
 * Difference between two readings of a cumulative counter. A counter that went down was reset (the source
 * restarted), so the new reading is everything counted since the reset.
 */
export function counterDelta(previous: number | undefined, current: number): number {
  if (!Number.isFinite(current) || current < 0) return 0;
  if (previous === undefined) return 0;
  return current >= previous ? current - previous : current;
}
