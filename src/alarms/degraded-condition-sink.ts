import type { Alarm, AlarmSink } from './alarm-sink.js';
import { alarmSubjectKey, type AlarmSubject } from './alarm-subject.js';
import { summarizeDegraded, type DegradedSummary } from './degraded-summary.js';

/** Receives a PacingCluster's new Degraded summary; must not block nor throw (queue the status write). */
export type DegradedChangeListener = (
  cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>,
  summary: DegradedSummary,
) => void;

/**
 * The Degraded-condition sink: keeps the active alarms per PacingCluster (target alarms count for their
 * cluster) and hands the cluster's new {@link DegradedSummary} to the listener after every detection and
 * cancellation, so the status writer can set `Degraded` (True/AlarmActive or False/NoAlarms).
 */
export class DegradedConditionSink implements AlarmSink {
  readonly #listener: DegradedChangeListener;
  readonly #activeByCluster = new Map<string, Map<string, Alarm>>();

  /** Keeps the listener. */
  constructor(listener: DegradedChangeListener) {
    this.#listener = listener;
  }

  /** Adds the alarm to its cluster's set and reports the summary. */
  onDetect(alarm: Alarm): void {
    const active = this.#activeByCluster.get(clusterKey(alarm.subject)) ?? new Map<string, Alarm>();
    active.set(alarmKey(alarm), alarm);
    this.#activeByCluster.set(clusterKey(alarm.subject), active);
    this.#listener(clusterOf(alarm.subject), summarizeDegraded([...active.values()]));
  }

  /** Removes the alarm and reports the summary (not degraded once the set is empty). */
  onCancel(alarm: Alarm): void {
    const key = clusterKey(alarm.subject);
    const active = this.#activeByCluster.get(key);
    active?.delete(alarmKey(alarm));
    if (active?.size === 0) this.#activeByCluster.delete(key);
    this.#listener(clusterOf(alarm.subject), summarizeDegraded([...(active?.values() ?? [])]));
  }

  /** The cluster's current summary, e.g. for a status rebuilt from scratch by a reconcile. */
  summaryFor(cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>): DegradedSummary {
    return summarizeDegraded([...(this.#activeByCluster.get(clusterKey(cluster))?.values() ?? [])]);
  }
}

function clusterOf(subject: AlarmSubject): Pick<AlarmSubject, 'namespace' | 'cluster'> {
  return { namespace: subject.namespace, cluster: subject.cluster };
}

function clusterKey(subject: Pick<AlarmSubject, 'namespace' | 'cluster'>): string {
  return alarmSubjectKey(clusterOf(subject));
}

function alarmKey(alarm: Alarm): string {
  return `${alarm.name}\u0000${alarmSubjectKey(alarm.subject)}`;
}
