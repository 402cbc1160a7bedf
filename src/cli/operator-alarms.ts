import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  AlarmEventSink,
  AlarmManager,
  AlarmMetricsSink,
  AlarmOutcomeSink,
  DegradedConditionSink,
  RuntimeMonitor,
  type AlarmCycleOutcome,
  type AlarmEventRecorder,
  type ClusterAlarmSettings,
  type DegradedChangeListener,
  type DegradedSummary,
} from '../alarms/index.js';
import { pacingApiGroupVersion, type PacingCluster, type PacingClusterDurationsMs } from '../api/index.js';

/** What the operator's alarms are built from, all made once in the composition root. */
export interface OperatorAlarmsOptions {
  /** The process registry: pacing_alarm_active and pacing_alarm_detections_total go there. */
  readonly registry: Registry;
  /** Where the Warning and Normal Events go; the controller's EventRecorder fits. */
  readonly recorder: AlarmEventRecorder;
  readonly logger: Logger;
  /** The injected clock's now, ms since the epoch. */
  readonly nowMs: () => number;
  /** Receives each PacingCluster's new Degraded summary; absent until the status side takes it. */
  readonly onDegradedChange?: DegradedChangeListener;
}

/**
 * The operator's alarm wiring in one object: an {@link AlarmManager} with the metrics, Event and Degraded
 * sinks, a started {@link RuntimeMonitor}, and the per-cluster settings (spec.alarms, detectAfter) the worker
 * factory remembers. It is a cycle-outcome sink itself: hand it to the Operator's `extraSinks`.
 */
export class OperatorAlarms {
  readonly #settings = new Map<string, ClusterAlarmSettings>();
  readonly #runtime: RuntimeMonitor;
  readonly #outcomes: AlarmOutcomeSink;
  readonly #degraded: DegradedConditionSink;

  /** Builds the sinks and starts observing garbage collections; call {@link close} on shutdown. */
  constructor(options: OperatorAlarmsOptions) {
    this.#runtime = new RuntimeMonitor({ nowMs: options.nowMs });
    this.#degraded = new DegradedConditionSink(options.onDegradedChange ?? (() => undefined));
    const manager = new AlarmManager({
      sinks: [
        new AlarmMetricsSink(options.registry),
        new AlarmEventSink(options.recorder, pacingApiGroupVersion),
        this.#degraded,
      ],
      logger: options.logger.child({ component: 'alarms' }),
    });
    this.#outcomes = new AlarmOutcomeSink({
      manager,
      settingsFor: (key) => this.#settings.get(key),
      runtime: this.#runtime,
      nowMs: options.nowMs,
    });
    this.#runtime.start();
  }

  /** Remembers a cluster's alarm settings; call it from the worker factory, which sees every spec change. */
  rememberCluster(cluster: PacingCluster, durationsMs: PacingClusterDurationsMs): void {
    const key = `${cluster.metadata.namespace ?? ''}/${cluster.metadata.name ?? ''}`;
    this.#settings.set(key, {
      thresholds: cluster.spec.alarms,
      detectAfterMs: durationsMs.alarmDetectAfterMs,
    });
  }

  /** The cluster's Degraded summary now, for a status rebuilt from scratch. */
  degradedSummaryFor(namespace: string, name: string): DegradedSummary {
    return this.#degraded.summaryFor({ namespace, cluster: name });
  }

  /** Cycle-outcome sink: observes the cycle's engagement and runtime alarms. */
  cycleCompleted(outcome: AlarmCycleOutcome): void {
    this.#outcomes.cycleCompleted(outcome);
  }

  /** Cycle-outcome sink: nothing to do (the PacingCyclesSkipped alert reads the counter). */
  cyclesSkipped(): void {}

  /** Cycle-outcome sink: cancels the cluster's alarms and forgets its settings. */
  workerStopped(clusterKey: string): void {
    this.#outcomes.workerStopped(clusterKey);
    this.#settings.delete(clusterKey);
  }

  /** Stops the runtime monitor. */
  close(): void {
    this.#runtime.close();
  }
}
