/** The status figures of a target; undefined: not known this cycle (the last known value stays). */
export interface TargetStatusFigures {
  invitesPerInterval: number;
  freeSlots: number | undefined;
  waiting: number | undefined;
  pendingInvitations: number | undefined;
  observedAbandonmentPercent: number | undefined;
  occupancyPercent: number | undefined;
}

/** The keys of the figures in a PacingTarget's status: what the cache keeps and a new holder adopts. */
export const targetFigureKeys: readonly (keyof TargetStatusFigures)[] = [
  'invitesPerInterval',
  'freeSlots',
  'waiting',
  'pendingInvitations',
  'observedAbandonmentPercent',
  'occupancyPercent',
];
