import { z } from 'zod';

/**
 * Condition types of a PacingTarget. Accepted: the spec is valid (skill expressions parse); Ready: its cluster
 * is ready and the target is part of its cycles; Pacing: the last cycle granted invitations.
 */
export const pacingTargetConditionTypeSchema = z.enum(['Accepted', 'Ready', 'Pacing']);

/** A PacingTarget condition type. */
export type PacingTargetConditionType = z.infer<typeof pacingTargetConditionTypeSchema>;

/** Reasons of PacingTarget conditions, grouped by the condition they usually explain. */
export const pacingTargetConditionReasonSchema = z.enum([
  // Accepted
  'Valid',
  'InvalidSpec',
  'InvalidSkillExpression',
  // Ready
  'ClusterReady',
  'ClusterNotFound',
  'ClusterNotReady',
  'VirtualQueueTaken',
  // Pacing (the guard chain in front of every policy names these)
  'Pacing',
  'Paused',
  'StatsStale',
  'NoAgentsStaffed',
  'NoFreeSlots',
  'CapReached',
  'GoalExceeded',
  'TargetError',
  // any condition before the first cycle
  'Pending',
]);

/** A PacingTarget condition reason. */
export type PacingTargetConditionReason = z.infer<typeof pacingTargetConditionReasonSchema>;
