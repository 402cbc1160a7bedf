import { Counter, Gauge, type Registry } from 'prom-client';
import type { Alarm, AlarmSink } from './alarm-sink.js';

/** Name of the gauge that is 1 while an alarm is active and 0 after it cancels. */
export const alarmActiveMetricName = 'pacing_alarm_active';

/** Name of the counter of detections. */
export const alarmDetectionsMetricName = 'pacing_alarm_detections_total';

const labelNames = ['alarm', 'namespace', 'cluster', 'target'] as const;

/**
 * The metrics sink: `pacing_alarm_active{alarm, namespace, cluster, target}` and
 * `pacing_alarm_detections_total{...}`, registered on the injected registry. Labels follow the pacing metrics:
 * `namespace` of the PacingCluster, `cluster` its name, `target` the PacingTarget name or empty for
 * cluster-wide alarms (Prometheus then shows no `target` label). deploy/prometheus/alerts.yaml reads them.
 */
export class AlarmMetricsSink implements AlarmSink {
  readonly #active: Gauge<(typeof labelNames)[number]>;
  readonly #detections: Counter<(typeof labelNames)[number]>;

  /** Registers both metrics; throws if the registry already holds metrics with these names. */
  constructor(registry: Registry) {
    this.#active = new Gauge({
      name: alarmActiveMetricName,
      help: 'Whether the alarm is active (1) or cancelled (0) for the PacingCluster and PacingTarget',
      labelNames,
      registers: [registry],
    });
    this.#detections = new Counter({
      name: alarmDetectionsMetricName,
      help: 'Times the alarm was detected for the PacingCluster and PacingTarget',
      labelNames,
      registers: [registry],
    });
  }

  /** Sets the gauge to 1 and counts the detection. */
  onDetect(alarm: Alarm): void {
    const labels = labelsOf(alarm);
    this.#active.set(labels, 1);
    this.#detections.inc(labels);
  }

  /** Sets the gauge to 0, keeping the series so the alert resolves instead of going stale. */
  onCancel(alarm: Alarm): void {
    this.#active.set(labelsOf(alarm), 0);
  }
}

function labelsOf(alarm: Alarm): Record<(typeof labelNames)[number], string> {
  const { namespace, cluster, target } = alarm.subject;
  return { alarm: alarm.name, namespace, cluster, target: target ?? '' };
}
