/**
 * What an alarm is about: a PacingCluster, or one PacingTarget of that cluster. `target` is the PacingTarget's
 * `metadata.name` (same namespace as the cluster), not the wire id `queue:media`; absent for cluster-wide alarms.
 */
export interface AlarmSubject {
  readonly namespace: string;
  readonly cluster: string;
  readonly target?: string;
}

/** A stable map key for a subject; `\u0000` cannot appear in Kubernetes names, so keys never collide. */
export function alarmSubjectKey(subject: AlarmSubject): string {
  return [subject.namespace, subject.cluster, subject.target ?? ''].join('\u0000');
}
