import type { Alarm } from './alarm-sink.js';

/** The fields of the Kubernetes Event (events.k8s.io/v1) that reports a detection or a cancellation. */
export interface AlarmEventFields {
  readonly type: 'Warning' | 'Normal';
  /** PascalCase, ≤ 128 characters: the alarm name on detection, `<name>Cancelled` on cancellation. */
  readonly reason: string;
  /** What happened, ≤ 128 characters: `DetectAlarm` or `CancelAlarm`. */
  readonly action: 'DetectAlarm' | 'CancelAlarm';
  /** Human text, ≤ 1 kB (the Event API's limit for `note`). */
  readonly note: string;
  /** The object the Event regards: the PacingTarget when the alarm has one, else the PacingCluster. */
  readonly regarding: {
    readonly kind: 'PacingCluster' | 'PacingTarget';
    readonly namespace: string;
    readonly name: string;
  };
}

const maxNoteLength = 1024;

/**
 * How an alarm transition reads as a Kubernetes Event: a Warning on detection, a Normal on cancellation. The
 * reason does not carry the message, so the recorder's aggregation key (type, action, reason, regarding) folds
 * repeats of one alarm into one Event series.
 */
export function alarmEventFields(alarm: Alarm, transition: 'detected' | 'cancelled'): AlarmEventFields {
  const regarding = alarm.subject.target
    ? { kind: 'PacingTarget' as const, namespace: alarm.subject.namespace, name: alarm.subject.target }
    : { kind: 'PacingCluster' as const, namespace: alarm.subject.namespace, name: alarm.subject.cluster };
  const isDetected = transition === 'detected';
  const text = isDetected
    ? `alarm ${alarm.name} detected: ${alarm.message}`
    : `alarm ${alarm.name} cancelled${alarm.message ? ` (last reason: ${alarm.message})` : ''}`;
  return {
    type: isDetected ? 'Warning' : 'Normal',
    reason: isDetected ? alarm.name : `${alarm.name}Cancelled`,
    action: isDetected ? 'DetectAlarm' : 'CancelAlarm',
    note: text.length > maxNoteLength ? `${text.slice(0, maxNoteLength - 1)}…` : text,
    regarding,
  };
}
