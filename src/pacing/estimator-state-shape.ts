import { isRecord } from './pacing-policy.js';
import type { EstimatorState } from './target-estimators.js';

/**
 * Number.isFinite, written so that reading a double field or element does not box it into a fresh heap number for
 * the call: persisted state is checked for every target every round, 36 numbers each.
 */
function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && value - value === 0;
}

/** True for an array of finite numbers only. */
function isFiniteArray(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!isFiniteNumber(value[i])) return false;
  return true;
}

/**
 * True when every field of {@link estimatorNumberFields} is a finite number. Named reads, one per field, rather
 * than a loop over the names: a read by computed key boxes every double it returns (14 per target per round).
 */
function hasFiniteEstimatorNumbers(value: Record<string, unknown>): boolean {
  return (
    isFiniteNumber(value.pendingSecondsSum) &&
    isFiniteNumber(value.resolvedSum) &&
    isFiniteNumber(value.handleSecondsSum) &&
    isFiniteNumber(value.answeredSum) &&
    isFiniteNumber(value.waitingSecondsSum) &&
    isFiniteNumber(value.abandonedSum) &&
    isFiniteNumber(value.acceptedSum) &&
    isFiniteNumber(value.secondsSum) &&
    isFiniteNumber(value.abandonedShort) &&
    isFiniteNumber(value.acceptedShort) &&
    isFiniteNumber(value.abandonedHour) &&
    isFiniteNumber(value.acceptedHour) &&
    isFiniteNumber(value.acceptedTotal) &&
    isFiniteNumber(value.abandonedTotal)
  );
}

/** True when every acceptance counter is a finite number (named reads, as above). */
function hasFiniteAcceptanceNumbers(value: Record<string, unknown>): boolean {
  return (
    isFiniteNumber(value.fastAccepted) &&
    isFiniteNumber(value.fastResolved) &&
    isFiniteNumber(value.slowAccepted) &&
    isFiniteNumber(value.slowResolved)
  );
}

/** True when persisted estimator state has every field this version reads (checked field by field: it is cheap). */
export function isEstimatorState(value: unknown): value is EstimatorState {
  if (!isRecord(value)) return false;
  const acceptance = value.acceptance;
  const acceptDelay = value.acceptDelay;
  return (
    hasFiniteEstimatorNumbers(value) &&
    isRecord(acceptance) &&
    hasFiniteAcceptanceNumbers(acceptance) &&
    isRecord(acceptDelay) &&
    isFiniteArray(acceptDelay.exposure) &&
    isFiniteArray(acceptDelay.logLikelihood)
  );
}
