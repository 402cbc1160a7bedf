import type { Logger } from 'pino';
import type { CycleOutcome, CycleOutcomeSink } from './cycle-outcome.js';

/**
 * One sink that hands every outcome to several (status, metrics, alarms). A sink that throws is logged and the
 * others still get the outcome: a metrics bug must not stop status updates, nor the reverse.
 */
export function fanOutSinks(sinks: readonly CycleOutcomeSink[], logger: Logger): CycleOutcomeSink {
  const each = (what: string, call: (sink: CycleOutcomeSink) => void): void => {
    for (const sink of sinks) {
      try {
        call(sink);
      } catch (error) {
        logger.error({ err: error, sinkCall: what }, 'cycle outcome sink failed');
      }
    }
  };
  return {
    cycleCompleted: (outcome: CycleOutcome) => each('cycleCompleted', (s) => s.cycleCompleted(outcome)),
    cyclesSkipped: (clusterKey, count, reason) =>
      each('cyclesSkipped', (s) => s.cyclesSkipped(clusterKey, count, reason)),
    workerStopped: (clusterKey, targetKeys) =>
      each('workerStopped', (s) => s.workerStopped?.(clusterKey, targetKeys)),
  };
}
