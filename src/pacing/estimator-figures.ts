import { acceptDelayGridSeconds } from './accept-delay-estimator.js';

/**
 * Where each learned estimator figure lives in the flat `figures` array of an estimator state. One array of
 * unboxed doubles per target instead of six nested objects and two arrays: a decision round rebuilds the state of
 * every target, and 10,000 targets × 26 small objects (each fractional field a boxed number of its own) were most
 * of what the garbage collector copied. The order is the persisted format: only ever append.
 */
export const figureAt = {
  /** Pending-seconds ÷ resolved invitations: mean time an invitation stays pending (Little's law). */
  pendingSecondsSum: 0,
  resolvedSum: 1,
  /** Handle seconds ÷ finished interactions (finished counted as answered). */
  handleSecondsSum: 2,
  answeredSum: 3,
  /** Waiting-seconds ÷ abandoned: mean patience under an exponential model (the Erlang-A estimator). */
  waitingSecondsSum: 4,
  abandonedSum: 5,
  /** Accepted interactions ÷ seconds. */
  acceptedSum: 6,
  secondsSum: 7,
  /** Abandoned ÷ accepted over about 15 minutes. */
  abandonedShort: 8,
  acceptedShort: 9,
  /** Abandoned ÷ accepted over about an hour. */
  abandonedHour: 10,
  acceptedHour: 11,
  /** The acceptance estimator's counts: fast accepted, fast resolved, slow accepted, slow resolved. */
  acceptance: 12,
  /** The accept-delay estimator: one exposure per candidate delay, then one log-likelihood per candidate. */
  acceptDelay: 16,
} as const;

/** Length of the `figures` array. */
export const estimatorFigureCount = figureAt.acceptDelay + 2 * acceptDelayGridSeconds.length;

/**
 * An array of {@link estimatorFigureCount} doubles, to be overwritten. A literal of doubles is created as an array
 * of unboxed doubles in one copy; `new Array(n)` would start as small integers and be copied again at the first
 * fractional write.
 */
export function blankEstimatorFigures(): number[] {
  // prettier-ignore
  const figures = [
    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
  ];
  // Correct for any grid: a longer one grows the array, a shorter one cuts it.
  if (figures.length !== estimatorFigureCount) figures.length = estimatorFigureCount;
  return figures;
}
