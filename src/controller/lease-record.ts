import type { V1LeaseSpec } from '@kubernetes/client-node';

function timeText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

/**
 * The part of a Lease compared between reads: only a change of it restarts the local expiry clock (client-go's
 * observedTime), because remote timestamps are never trusted against the local clock.
 */
export function leaseRecordText(spec: V1LeaseSpec | undefined): string {
  return JSON.stringify([
    spec?.holderIdentity ?? '',
    spec?.leaseDurationSeconds ?? 0,
    timeText(spec?.acquireTime),
    timeText(spec?.renewTime),
    spec?.leaseTransitions ?? 0,
  ]);
}
