import type { AlarmManager } from './alarm-manager.js';
import type { AlarmSubject } from './alarm-subject.js';
import type { RuntimeSample } from './runtime-monitor.js';

/**
 * The runtime thresholds of a PacingCluster, as in its spec's `alarms` (defaults live in that schema:
 * 0.8, 1000 ms, 24 per minute). Structural, so the api room's inferred type fits without an import.
 */
export interface RuntimeAlarmThresholds {
  /** Heap used ÷ heap limit above which HeapMemoryUsage breaches, 0–1. */
  readonly heapMemoryUsage: number;
  /** GC pause, ms, above which GCLatency breaches. */
  readonly gcLatencyMs: number;
  /** Collections per minute above which GCFrequency breaches. */
  readonly gcFrequencyPerMinute: number;
}

/**
 * Observes HeapMemoryUsage, GCLatency and GCFrequency for one cluster from one sample. The process is shared,
 * so each cluster compares the same sample with its own thresholds and gets its own alarms.
 */
export function observeRuntimeAlarms(
  manager: AlarmManager,
  cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>,
  sample: RuntimeSample,
  thresholds: RuntimeAlarmThresholds,
  nowMs: number,
): void {
  const subject = { namespace: cluster.namespace, cluster: cluster.cluster };
  manager.observe('HeapMemoryUsage', subject, {
    isBreaching: sample.heapUsedRatio > thresholds.heapMemoryUsage,
    nowMs,
    message: `heap used ${percent(sample.heapUsedRatio)} of the limit, above the threshold ${percent(thresholds.heapMemoryUsage)}`,
  });
  manager.observe('GCLatency', subject, {
    isBreaching: sample.maxGcPauseMs > thresholds.gcLatencyMs,
    nowMs,
    message: `a garbage collection paused ${Math.round(sample.maxGcPauseMs)} ms, above the threshold ${thresholds.gcLatencyMs} ms`,
  });
  manager.observe('GCFrequency', subject, {
    isBreaching: sample.gcCountPerMinute > thresholds.gcFrequencyPerMinute,
    nowMs,
    message: `${Math.round(sample.gcCountPerMinute)} major garbage collections per minute, above the threshold ${thresholds.gcFrequencyPerMinute}`,
  });
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
