import { z } from 'zod';

/**
 * Condition types of a PacingCluster. Ready: the worker runs on the lease holder; StatsSourceReachable and
 * EngagementReachable: the last exchange with each side succeeded; Degraded: an alarm is active.
 */
export const pacingClusterConditionTypeSchema = z.enum([
  'Ready',
  'StatsSourceReachable',
  'EngagementReachable',
  'Degraded',
]);

/** A PacingCluster condition type. */
export type PacingClusterConditionType = z.infer<typeof pacingClusterConditionTypeSchema>;

/** Reasons of PacingCluster conditions, grouped by the condition they usually explain. */
export const pacingClusterConditionReasonSchema = z.enum([
  // Ready
  'WorkerRunning',
  'WaitingForLeader',
  'InvalidSpec',
  'CredentialsMissing',
  'Stopped',
  // StatsSourceReachable
  'SnapshotReceived',
  'StatsSourceUnreachable',
  'StatsStale',
  'StatsInvalid',
  // EngagementReachable
  'ExchangeSucceeded',
  'ExchangeFailed',
  'AuthenticationFailed',
  'ResponseInvalid',
  // Degraded
  'AlarmActive',
  'NoAlarms',
  // any condition before the first cycle
  'Pending',
]);

/** A PacingCluster condition reason. */
export type PacingClusterConditionReason = z.infer<typeof pacingClusterConditionReasonSchema>;
