import { alarmEventFields } from './alarm-event.js';
import type { Alarm, AlarmSink } from './alarm-sink.js';

/** One Event to record, in the shape of the controller's event recorder input (structural: no import). */
export interface AlarmEventRecord {
  readonly regarding: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
  };
  readonly type: 'Warning' | 'Normal';
  readonly reason: string;
  readonly action: string;
  readonly note: string;
}

/** Whatever records Events: the controller's `EventRecorder` fits. Must not block nor throw. */
export interface AlarmEventRecorder {
  record(event: AlarmEventRecord): void;
}

/**
 * The Kubernetes Event sink: a Warning on detection and a Normal on cancellation, regarding the PacingTarget
 * concerned or else the PacingCluster (see {@link alarmEventFields}); the recorder aggregates repeats.
 */
export class AlarmEventSink implements AlarmSink {
  readonly #recorder: AlarmEventRecorder;
  readonly #apiVersion: string;

  /** `apiVersion` of the pacing kinds, e.g. `pacing.agentpacing.dev/v1alpha1` (the api room's constant). */
  constructor(recorder: AlarmEventRecorder, apiVersion: string) {
    this.#recorder = recorder;
    this.#apiVersion = apiVersion;
  }

  /** Records the Warning. */
  onDetect(alarm: Alarm): void {
    this.#record(alarm, 'detected');
  }

  /** Records the Normal. */
  onCancel(alarm: Alarm): void {
    this.#record(alarm, 'cancelled');
  }

  #record(alarm: Alarm, transition: 'detected' | 'cancelled'): void {
    const fields = alarmEventFields(alarm, transition);
    this.#recorder.record({
      regarding: { apiVersion: this.#apiVersion, ...fields.regarding },
      type: fields.type,
      reason: fields.reason,
      action: fields.action,
      note: fields.note,
    });
  }
}
