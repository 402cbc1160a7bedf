import type { AlarmName } from './alarm-name.js';
import type { AlarmSubject } from './alarm-subject.js';

/** An alarm as sinks see it: which alarm, about what, why, and when it was detected (and cancelled). */
export interface Alarm {
  readonly name: AlarmName;
  readonly subject: AlarmSubject;
  /** The latest reason observed while breaching, e.g. the engagement error message; for people, not parsing. */
  readonly message: string;
  /** Time of detection, from the caller's clock (ms since the epoch). */
  readonly detectedAtMs: number;
  /** Time of cancellation; set only in {@link AlarmSink.onCancel}. */
  readonly cancelledAtMs?: number;
}

/**
 * Where detections and cancellations go: metrics, Kubernetes Events, the Degraded condition. Called
 * synchronously from the alarm manager on the pacing path, so a sink must return quickly (queue any I/O) and
 * should not throw; a throw is caught and logged, and the other sinks still run.
 */
export interface AlarmSink {
  /** The alarm became active. */
  onDetect(alarm: Alarm): void;
  /** The alarm is no longer active; `alarm.cancelledAtMs` is set. */
  onCancel(alarm: Alarm): void;
}
