import { alarmEventFields, summarizeDegraded, type Alarm, type AlarmSink } from '../alarms/index.js';
import type { EventEmitterPort, PacingStatusBook } from './pacing-status-book.js';

/**
 * The alarms' Kubernetes side: every detection becomes a Warning Event and every cancellation a Normal Event
 * regarding the PacingTarget or PacingCluster concerned, and the PacingCluster's `Degraded` condition lists the
 * alarms active on it and its targets.
 */
export class AlarmStatusSink implements AlarmSink {
  readonly #book: PacingStatusBook;
  readonly #events: EventEmitterPort;
  readonly #activeByCluster = new Map<string, Map<string, Alarm>>();

  constructor(book: PacingStatusBook, events: EventEmitterPort) {
    this.#book = book;
    this.#events = events;
  }

  /** An alarm became active. */
  onDetect(alarm: Alarm): void {
    this.#emit(alarm, 'detected');
    const clusterKey = `${alarm.subject.namespace}/${alarm.subject.cluster}`;
    const active = this.#activeByCluster.get(clusterKey) ?? new Map<string, Alarm>();
    active.set(alarmKey(alarm), alarm);
    this.#activeByCluster.set(clusterKey, active);
    this.#updateDegraded(clusterKey);
  }

  /** An alarm was cancelled. */
  onCancel(alarm: Alarm): void {
    this.#emit(alarm, 'cancelled');
    const clusterKey = `${alarm.subject.namespace}/${alarm.subject.cluster}`;
    this.#activeByCluster.get(clusterKey)?.delete(alarmKey(alarm));
    this.#updateDegraded(clusterKey);
  }

  #emit(alarm: Alarm, transition: 'detected' | 'cancelled'): void {
    const fields = alarmEventFields(alarm, transition);
    this.#events.emit(fields.regarding, fields.type, fields.reason, fields.action, fields.note);
  }

  #updateDegraded(clusterKey: string): void {
    const summary = summarizeDegraded([...(this.#activeByCluster.get(clusterKey)?.values() ?? [])]);
    this.#book.setClusterConditions(clusterKey, [
      {
        type: 'Degraded',
        status: summary.isDegraded ? 'True' : 'False',
        reason: summary.reason,
        message: summary.message,
      },
    ]);
  }
}

function alarmKey(alarm: Alarm): string {
  return `${alarm.name}\u0000${alarm.subject.target ?? ''}`;
}
