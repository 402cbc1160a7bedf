import { parseDurationMs } from './duration.js';
import { pacingClusterSchema, type PacingCluster } from './pacing-cluster.js';
import { specProblemOf } from './spec-problem.js';

/** Every duration of a PacingCluster spec in milliseconds, defaults applied. */
export interface PacingClusterDurationsMs {
  readonly refreshPeriodMs: number;
  readonly statusUpdatePeriodMs: number;
  readonly learnedStateSavePeriodMs: number;
  readonly statsTimeoutMs: number;
  readonly statsStaleAfterMs: number;
  readonly engagementTimeoutMs: number;
  readonly alarmDetectAfterMs: number;
}

/** Outcome of validating a PacingCluster: the typed object with its durations, or the field at fault. */
export type PacingClusterValidation =
  | {
      readonly isValid: true;
      readonly cluster: PacingCluster;
      readonly durationsMs: PacingClusterDurationsMs;
    }
  | {
      readonly isValid: false;
      readonly reason: 'InvalidSpec';
      readonly field: string;
      readonly message: string;
    };

/** Validates a PacingCluster read from the API server and converts its durations. Never throws. */
export function validatePacingCluster(object: unknown): PacingClusterValidation {
  const parsed = pacingClusterSchema.safeParse(object);
  if (!parsed.success) return { isValid: false, reason: 'InvalidSpec', ...specProblemOf(parsed.error) };
  const { spec } = parsed.data;
  return {
    isValid: true,
    cluster: parsed.data,
    durationsMs: {
      refreshPeriodMs: parseDurationMs(spec.refreshPeriod),
      statusUpdatePeriodMs: parseDurationMs(spec.statusUpdatePeriod),
      learnedStateSavePeriodMs: parseDurationMs(spec.learnedStateSavePeriod),
      statsTimeoutMs: parseDurationMs(spec.statsSource.timeout),
      statsStaleAfterMs: parseDurationMs(spec.statsSource.staleAfter),
      engagementTimeoutMs: parseDurationMs(spec.engagement.timeout),
      alarmDetectAfterMs: parseDurationMs(spec.alarms.detectAfter),
    },
  };
}
