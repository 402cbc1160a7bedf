import type { Alarm } from './alarm-sink.js';

/** What the PacingCluster's `Degraded` condition should say about the active alarms. */
export interface DegradedSummary {
  readonly isDegraded: boolean;
  /** `AlarmActive` or `NoAlarms`: the api room's Degraded reasons. */
  readonly reason: 'AlarmActive' | 'NoAlarms';
  /** Alarm names, sorted, each with its targets when it has some, e.g. `PacingRequestsFailed; PacingResponseTargetError (chat-en, voice-es)`. */
  readonly message: string;
}

const maxTargetsListed = 5;

/**
 * Summarises the active alarms of one PacingCluster for its `Degraded` condition. The message is sorted and
 * lists at most five targets per alarm, so it only changes when the set of alarms does (status writes are
 * budgeted) and stays short with ten thousand targets.
 */
export function summarizeDegraded(activeAlarms: readonly Alarm[]): DegradedSummary {
  if (activeAlarms.length === 0) {
    return { isDegraded: false, reason: 'NoAlarms', message: 'no alarm is active' };
  }
  const targetsByAlarm = new Map<string, Set<string>>();
  for (const alarm of activeAlarms) {
    const targets = targetsByAlarm.get(alarm.name) ?? new Set<string>();
    if (alarm.subject.target) targets.add(alarm.subject.target);
    targetsByAlarm.set(alarm.name, targets);
  }
  const parts = [...targetsByAlarm.keys()].sort().map((name) => {
    const targets = [...targetsByAlarm.get(name)!].sort();
    if (targets.length === 0) return name;
    const listed = targets.slice(0, maxTargetsListed).join(', ');
    const more = targets.length > maxTargetsListed ? ` and ${targets.length - maxTargetsListed} more` : '';
    return `${name} (${listed}${more})`;
  });
  return { isDegraded: true, reason: 'AlarmActive', message: parts.join('; ') };
}
