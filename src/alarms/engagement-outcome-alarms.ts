import type { AlarmManager, CodedError } from './alarm-manager.js';
import type { AlarmName } from './alarm-name.js';
import type { AlarmSubject } from './alarm-subject.js';
import type { AlarmTiming } from './alarm-timing.js';
import { alarmForErrorCode } from './error-code-alarm.js';

/** What one engagement exchange of a PacingCluster produced, in the terms the alarms need. */
export interface EngagementExchangeOutcome {
  /**
   * Set when the exchange as a whole failed: no usable answer (transport error, non-2xx, timeout, token
   * failure: `PACING_ERR_ENGAGEMENT_REQUEST_FAILED` or any other code) or an answer that failed validation
   * (`PACING_ERR_ENGAGEMENT_VALIDATION`).
   */
  readonly error?: CodedError;
  /** PacingTarget names the request covered. */
  readonly targets: readonly string[];
  /** Per-target errors in a valid answer (unknown or failed targets), keyed by PacingTarget name. */
  readonly targetErrors: ReadonlyMap<string, CodedError>;
}

/**
 * Feeds the engagement alarms of one cluster from one exchange; `timing`, when given, replaces the manager's
 * timings for these alarms of this cluster. What the outcome does not tell is not observed: after a failed
 * request nothing is known about validation or per-target state, so those alarms keep their state.
 */
export function recordEngagementOutcome(
  manager: AlarmManager,
  cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>,
  outcome: EngagementExchangeOutcome,
  nowMs: number,
  timing?: AlarmTiming,
): void {
  const observe = (name: AlarmName, subject: AlarmSubject, error?: CodedError, message?: string): void => {
    manager.observe(name, subject, {
      isBreaching: error !== undefined,
      nowMs,
      ...(error ? { message: message ?? `${error.code}: ${error.message}` } : {}),
      ...(timing ? { timing } : {}),
    });
  };
  const clusterSubject = { namespace: cluster.namespace, cluster: cluster.cluster };
  if (outcome.error) {
    if (alarmForErrorCode(outcome.error.code) === 'PacingResponseValidationError') {
      // An answer arrived, so the request itself worked.
      observe('PacingRequestsFailed', clusterSubject);
      observe('PacingResponseValidationError', clusterSubject, outcome.error, outcome.error.message);
    } else {
      // Any other failure of the exchange as a whole (auth, proxy, timeout, ...) means no allowance got through.
      observe('PacingRequestsFailed', clusterSubject, outcome.error);
    }
    return;
  }
  observe('PacingRequestsFailed', clusterSubject);
  observe('PacingResponseValidationError', clusterSubject);
  const targets = new Set([...outcome.targets, ...outcome.targetErrors.keys()]);
  for (const target of targets) {
    observe('PacingResponseTargetError', { ...clusterSubject, target }, outcome.targetErrors.get(target));
  }
}
