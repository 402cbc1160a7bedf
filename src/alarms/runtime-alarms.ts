import type { AlarmManager } from './alarm-manager.js';
import type { AlarmSubject } from './alarm-subject.js';
import type { AlarmTiming } from './alarm-timing.js';
import type { RuntimeSample } from './runtime-monitor.js';

/**
 * The runtime thresholds of a PacingCluster, as in its spec's `alarms` (defaults live in that schema:
 * 0.8, 1000 ms, 24 per minute). Structural, so the api room's `AlarmThresholds` fits without an import.
 */
export interface RuntimeAlarmThresholds {
  /** Heap used ÷ heap limit above which HeapMemoryUsage breaches, 0–1. */
  readonly heapUsageRatio: number;
  /** GC pause, ms, above which GCLatency breaches. */
  readonly gcLatencyMs: number;
  /** Major collections per minute above which GCFrequency breaches. */
  readonly gcFrequencyPerMinute: number;
}

/**
 * Observes HeapMemoryUsage, GCLatency and GCFrequency for one cluster from one sample. The process is shared,
 * so each cluster compares the same sample with its own thresholds and gets its own alarms. `detectAfterMs`
 * (the cluster's `alarms.detectAfter`) is both the detect and the cancel delay of the three alarms, as the
 * spec describes it; when absent the manager's timings apply.
 */
export function observeRuntimeAlarms(
  manager: AlarmManager,
  cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>,
  sample: RuntimeSample,
  thresholds: RuntimeAlarmThresholds,
  nowMs: number,
  detectAfterMs?: number,
): void {
  const subject = { namespace: cluster.namespace, cluster: cluster.cluster };
  const timing: { timing?: AlarmTiming } =
    detectAfterMs === undefined ? {} : { timing: { detectAfterMs, cancelAfterMs: detectAfterMs } };
  const heapPercent = percent(sample.heapUsedRatio);
  manager.observe('HeapMemoryUsage', subject, {
    isBreaching: sample.heapUsedRatio > thresholds.heapUsageRatio,
    nowMs,
    message: `heap used ${heapPercent} of the limit, above the threshold ${percent(thresholds.heapUsageRatio)}`,
    ...timing,
  });
  const pauseMs = Math.round(sample.maxGcPauseMs);
  manager.observe('GCLatency', subject, {
    isBreaching: sample.maxGcPauseMs > thresholds.gcLatencyMs,
    nowMs,
    message: `a garbage collection paused ${pauseMs} ms, above the threshold ${thresholds.gcLatencyMs} ms`,
    ...timing,
  });
  const perMinute = Math.round(sample.gcCountPerMinute);
  manager.observe('GCFrequency', subject, {
    isBreaching: sample.gcCountPerMinute > thresholds.gcFrequencyPerMinute,
    nowMs,
    message: `${perMinute} major garbage collections per minute, above the threshold ${thresholds.gcFrequencyPerMinute}`,
    ...timing,
  });
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
