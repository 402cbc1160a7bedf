import type { AlarmManager, CodedError } from './alarm-manager.js';
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
 * Feeds the engagement alarms of one cluster from one exchange. What the outcome does not tell is not observed:
 * after a failed request nothing is known about validation or per-target state, so those alarms keep their
 * state instead of cancelling.
 */
export function recordEngagementOutcome(
  manager: AlarmManager,
  cluster: { readonly namespace: string; readonly cluster: string },
  outcome: EngagementExchangeOutcome,
  nowMs: number,
): void {
  const clusterSubject = { namespace: cluster.namespace, cluster: cluster.cluster };
  if (outcome.error) {
    const name = alarmForErrorCode(outcome.error.code);
    if (name === 'PacingResponseValidationError') {
      // An answer arrived, so the request itself worked.
      manager.reportClear('PacingRequestsFailed', clusterSubject, nowMs);
      manager.observe(name, clusterSubject, { isBreaching: true, nowMs, message: outcome.error.message });
    } else {
      // Any other failure of the exchange as a whole (auth, proxy, timeout, ...) means no allowance got through.
      manager.observe('PacingRequestsFailed', clusterSubject, {
        isBreaching: true,
        nowMs,
        message: `${outcome.error.code}: ${outcome.error.message}`,
      });
    }
    return;
  }
  manager.reportClear('PacingRequestsFailed', clusterSubject, nowMs);
  manager.reportClear('PacingResponseValidationError', clusterSubject, nowMs);
  const targets = new Set([...outcome.targets, ...outcome.targetErrors.keys()]);
  for (const target of targets) {
    const error = outcome.targetErrors.get(target);
    manager.observe(
      'PacingResponseTargetError',
      { ...clusterSubject, target },
      error
        ? { isBreaching: true, nowMs, message: `${error.code}: ${error.message}` }
        : { isBreaching: false, nowMs },
    );
  }
}
