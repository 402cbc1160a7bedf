// Public surface of the alarms room: alarm conditions with detect and cancel, runtime monitors, sinks.
export { alarmNameSchema, alarmNames, type AlarmName } from './alarm-name.js';
export { alarmSubjectKey, type AlarmSubject } from './alarm-subject.js';
export { AlarmCondition, type AlarmTransition } from './alarm-condition.js';
export { defaultAlarmTimings, type AlarmTiming } from './alarm-timing.js';
export type { Alarm, AlarmSink } from './alarm-sink.js';
export {
  AlarmManager,
  type AlarmManagerOptions,
  type AlarmObservation,
  type CodedError,
} from './alarm-manager.js';
export { alarmForErrorCode } from './error-code-alarm.js';
export { recordEngagementOutcome, type EngagementExchangeOutcome } from './engagement-outcome-alarms.js';
export { GcWindow, type GcSummary } from './gc-window.js';
export { DeliberateGcSpans } from './deliberate-gc-spans.js';
export {
  RuntimeMonitor,
  gcEntryKind,
  type RuntimeMonitorOptions,
  type RuntimeSample,
  type HeapReading,
} from './runtime-monitor.js';
export { observeRuntimeAlarms, type RuntimeAlarmThresholds } from './runtime-alarms.js';
export { AlarmMetricsSink, alarmActiveMetricName, alarmDetectionsMetricName } from './alarm-metrics-sink.js';
export { alarmEventFields, type AlarmEventFields } from './alarm-event.js';
export { summarizeDegraded, type DegradedSummary } from './degraded-summary.js';
export { AlarmsError, AlarmConfigError } from './errors.js';
export {
  AlarmOutcomeSink,
  type AlarmOutcomeSinkOptions,
  type AlarmCycleOutcome,
  type ClusterAlarmSettings,
} from './alarm-outcome-sink.js';
