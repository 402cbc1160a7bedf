import type { AlarmName } from './alarm-name.js';
import { AlarmConfigError } from './errors.js';

/**
 * How long a condition must hold before the alarm changes state. A breach must last `detectAfterMs` without a
 * single clear observation to detect; once active, the condition must stay clear for `cancelAfterMs` to cancel.
 * The two delays are what keeps an alarm from flapping on a noisy input.
 */
export interface AlarmTiming {
  readonly detectAfterMs: number;
  readonly cancelAfterMs: number;
}

/**
 * Defaults per alarm, the one place they live (the PacingCluster spec holds thresholds, not delays).
 * - Engagement errors detect after 20 s of consecutive failures: two or three cycles at the usual 10 s refresh,
 *   so a single failed exchange is not an alarm; they cancel after 30 s without an error.
 * - GC latency detects on the first pause over the threshold: one long pause already stalled every cycle.
 * - Heap usage and GC frequency must persist 30 s, because both swing with each collection.
 */
export const defaultAlarmTimings: Readonly<Record<AlarmName, AlarmTiming>> = Object.freeze({
  PacingRequestsFailed: { detectAfterMs: 20_000, cancelAfterMs: 30_000 },
  PacingResponseTargetError: { detectAfterMs: 20_000, cancelAfterMs: 30_000 },
  PacingResponseValidationError: { detectAfterMs: 20_000, cancelAfterMs: 30_000 },
  GCLatency: { detectAfterMs: 0, cancelAfterMs: 60_000 },
  GCFrequency: { detectAfterMs: 30_000, cancelAfterMs: 60_000 },
  HeapMemoryUsage: { detectAfterMs: 30_000, cancelAfterMs: 30_000 },
});

/** Throws {@link AlarmConfigError} naming the field when a delay is negative or not finite. */
export function assertValidAlarmTiming(timing: AlarmTiming, where: string): void {
  for (const field of ['detectAfterMs', 'cancelAfterMs'] as const) {
    const value = timing[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new AlarmConfigError(`${where}.${field} must be a finite number >= 0, got ${value}`);
    }
  }
}
