import type { Logger } from 'pino';
import { alarmNames, type AlarmName } from './alarm-name.js';
import { AlarmCondition, type AlarmTransition } from './alarm-condition.js';
import type { Alarm, AlarmSink } from './alarm-sink.js';
import { alarmSubjectKey, type AlarmSubject } from './alarm-subject.js';
import { assertValidAlarmTiming, defaultAlarmTimings, type AlarmTiming } from './alarm-timing.js';
import { alarmForErrorCode } from './error-code-alarm.js';

/** Construction options of {@link AlarmManager}. */
export interface AlarmManagerOptions {
  /** Every detection and cancellation goes to each sink, in order. */
  readonly sinks: readonly AlarmSink[];
  /** Receives one line per transition and per failing sink. */
  readonly logger: Logger;
  /** Per-alarm overrides of {@link defaultAlarmTimings}. */
  readonly timings?: Partial<Record<AlarmName, AlarmTiming>>;
}

/** One observation of a condition. */
export interface AlarmObservation {
  readonly isBreaching: boolean;
  /** Caller's clock, ms since the epoch. */
  readonly nowMs: number;
  /** Why it breaches (kept as the alarm's message); ignored when clear. */
  readonly message?: string;
  /**
   * Delays for this subject's condition from now on, e.g. from the PacingCluster's `alarms.detectAfter`;
   * when absent the manager's timing for the alarm applies.
   */
  readonly timing?: AlarmTiming;
}

/** A typed error with a stable code, as the engagement room throws them (structural: no import). */
export interface CodedError {
  readonly code: string;
  readonly message: string;
}

interface Entry {
  readonly name: AlarmName;
  readonly subject: AlarmSubject;
  readonly condition: AlarmCondition;
  message: string;
  detectedAtMs: number;
}

/**
 * Keeps one {@link AlarmCondition} per (alarm, subject), feeds it observations and tells the sinks about
 * transitions. Conditions that hold nothing (inactive, no breach pending) are dropped, so ten thousand healthy
 * targets cost nothing. Not shared between processes: each operator replica reports what it observes.
 */
export class AlarmManager {
  readonly #sinks: readonly AlarmSink[];
  readonly #logger: Logger;
  readonly #timings: Readonly<Record<AlarmName, AlarmTiming>>;
  readonly #entries = new Map<string, Entry>();

  /** Throws `AlarmConfigError` when a timing override is negative. */
  constructor(options: AlarmManagerOptions) {
    this.#sinks = [...options.sinks];
    this.#logger = options.logger;
    const timings = { ...defaultAlarmTimings };
    for (const name of alarmNames) {
      const override = options.timings?.[name];
      if (override) {
        assertValidAlarmTiming(override, `timings.${name}`);
        timings[name] = { ...override };
      }
    }
    this.#timings = timings;
  }

  /**
   * Feeds one observation of `name` for `subject`; returns the transition it caused, if any. Throws
   * `AlarmConfigError` when `observation.timing` holds a negative delay.
   */
  observe(
    name: AlarmName,
    subject: AlarmSubject,
    observation: AlarmObservation,
  ): AlarmTransition | undefined {
    const key = entryKey(name, subject);
    let entry = this.#entries.get(key);
    if (!entry) {
      // A clear observation of an unknown condition changes nothing; don't allocate for it.
      if (!observation.isBreaching) return undefined;
      const condition = new AlarmCondition(observation.timing ?? this.#timings[name]);
      entry = { name, subject, condition, message: '', detectedAtMs: 0 };
      this.#entries.set(key, entry);
    } else if (observation.timing) {
      entry.condition.retime(observation.timing);
    }
    if (observation.isBreaching && observation.message !== undefined) entry.message = observation.message;
    const transition = entry.condition.observe(observation.isBreaching, observation.nowMs);
    if (transition === 'detected') {
      entry.detectedAtMs = observation.nowMs;
      this.#notify('detected', toAlarm(entry));
    } else if (transition === 'cancelled') {
      this.#notify('cancelled', { ...toAlarm(entry), cancelledAtMs: observation.nowMs });
    }
    if (entry.condition.isIdle) this.#entries.delete(key);
    return transition;
  }

  /**
   * Observes the alarm that `error.code` maps to as breaching for `subject`; returns that alarm, or undefined
   * (and does nothing) when the code raises no alarm.
   */
  reportError(error: CodedError, subject: AlarmSubject, nowMs: number): AlarmName | undefined {
    const name = alarmForErrorCode(error.code);
    if (name) this.observe(name, subject, { isBreaching: true, nowMs, message: error.message });
    return name;
  }

  /** Observes `name` as clear for `subject` (the operation it watches succeeded). */
  reportClear(name: AlarmName, subject: AlarmSubject, nowMs: number): AlarmTransition | undefined {
    return this.observe(name, subject, { isBreaching: false, nowMs });
  }

  /** The active alarms, optionally only those `filter` keeps; detection order is not guaranteed. */
  active(filter?: (alarm: Alarm) => boolean): Alarm[] {
    const alarms: Alarm[] = [];
    for (const entry of this.#entries.values()) {
      if (!entry.condition.isActive) continue;
      const alarm = toAlarm(entry);
      if (!filter || filter(alarm)) alarms.push(alarm);
    }
    return alarms;
  }

  /**
   * Drops every condition whose subject `matches` and cancels the active ones at once, without the cancel
   * delay: for subjects nobody watches any more (target deleted, cluster deleted, leadership lost). Returns
   * how many active alarms were cancelled.
   */
  forget(matches: (subject: AlarmSubject) => boolean, nowMs: number, message: string): number {
    let cancelled = 0;
    for (const [key, entry] of this.#entries) {
      if (!matches(entry.subject)) continue;
      this.#entries.delete(key);
      if (entry.condition.reset()) {
        cancelled += 1;
        this.#notify('cancelled', { ...toAlarm(entry), message, cancelledAtMs: nowMs });
      }
    }
    return cancelled;
  }

  #notify(transition: AlarmTransition, alarm: Alarm): void {
    const fields = {
      alarm: alarm.name,
      namespace: alarm.subject.namespace,
      cluster: alarm.subject.cluster,
      target: alarm.subject.target,
      reason: alarm.message,
    };
    if (transition === 'detected') this.#logger.warn(fields, 'alarm detected');
    else this.#logger.info(fields, 'alarm cancelled');
    for (const sink of this.#sinks) {
      try {
        if (transition === 'detected') sink.onDetect(alarm);
        else sink.onCancel(alarm);
      } catch (err) {
        // One broken sink must not stop the others nor the pacing cycle that observed the condition.
        this.#logger.error({ ...fields, err }, 'alarm sink failed');
      }
    }
  }
}

function entryKey(name: AlarmName, subject: AlarmSubject): string {
  return `${name}\u0000${alarmSubjectKey(subject)}`;
}

function toAlarm(entry: Entry): Alarm {
  return {
    name: entry.name,
    subject: entry.subject,
    message: entry.message,
    detectedAtMs: entry.detectedAtMs,
  };
}
