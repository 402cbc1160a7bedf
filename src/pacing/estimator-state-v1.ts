import { acceptDelayGridSeconds, type AcceptDelayState } from './accept-delay-estimator.js';
import type { AcceptanceState } from './acceptance-estimator.js';
import { blankEstimatorFigures, figureAt } from './estimator-figures.js';
import { hasFiniteNumbers, isFiniteNumberArray, isRecord } from './pacing-policy.js';
import type { EstimatorState } from './target-estimators.js';

/**
 * Estimator state as learned-state format 1 kept it: nested objects, one named field per figure. Still read, so
 * that state saved before format 2 keeps its learning (see {@link estimatorStateFromV1}); no longer written.
 */
export interface EstimatorStateV1 {
  readonly acceptance: AcceptanceState;
  readonly acceptDelay: AcceptDelayState;
  readonly pendingSecondsSum: number;
  readonly resolvedSum: number;
  readonly handleSecondsSum: number;
  readonly answeredSum: number;
  readonly waitingSecondsSum: number;
  readonly abandonedSum: number;
  readonly acceptedSum: number;
  readonly secondsSum: number;
  readonly abandonedShort: number;
  readonly acceptedShort: number;
  readonly abandonedHour: number;
  readonly acceptedHour: number;
  readonly acceptedTotal: number;
  readonly abandonedTotal: number;
}

/** Names of the numeric fields of {@link EstimatorStateV1}, for validating persisted state. */
export const estimatorNumberFields = [
  'pendingSecondsSum',
  'resolvedSum',
  'handleSecondsSum',
  'answeredSum',
  'waitingSecondsSum',
  'abandonedSum',
  'acceptedSum',
  'secondsSum',
  'abandonedShort',
  'acceptedShort',
  'abandonedHour',
  'acceptedHour',
  'acceptedTotal',
  'abandonedTotal',
] as const;

/** The numeric fields format 2 packs into `figures` (the cumulative totals stay fields of their own). */
const packedNumberFields = estimatorNumberFields.filter(
  (name): name is Exclude<(typeof estimatorNumberFields)[number], 'acceptedTotal' | 'abandonedTotal'> =>
    name !== 'acceptedTotal' && name !== 'abandonedTotal',
);

/** The acceptance estimator's counts, in the order format 2 packs them at `figureAt.acceptance`. */
const acceptanceFields = ['fastAccepted', 'fastResolved', 'slowAccepted', 'slowResolved'] as const;

/**
 * True when format-1 estimator state has every field format 1 read. Accept-delay arrays must hold one entry per
 * candidate delay, as format 1 always wrote them (a shorter one could only be hand-made; it cold-starts).
 */
export function isEstimatorStateV1(value: unknown): value is EstimatorStateV1 {
  if (!isRecord(value)) return false;
  const acceptance = value['acceptance'];
  const acceptDelay = value['acceptDelay'];
  return (
    hasFiniteNumbers(value, estimatorNumberFields) &&
    hasFiniteNumbers(acceptance, acceptanceFields) &&
    isRecord(acceptDelay) &&
    isFiniteNumberArray(acceptDelay['exposure'], acceptDelayGridSeconds.length) &&
    isFiniteNumberArray(acceptDelay['logLikelihood'], acceptDelayGridSeconds.length)
  );
}

/** The same figures in format 2: the migration of state saved before the figures were packed into one array. */
export function estimatorStateFromV1(v1: EstimatorStateV1): EstimatorState {
  const figures = blankEstimatorFigures();
  for (const name of packedNumberFields) figures[figureAt[name]] = v1[name];
  acceptanceFields.forEach((name, k) => (figures[figureAt.acceptance + k] = v1.acceptance[name]));
  const grid = acceptDelayGridSeconds.length;
  for (let g = 0; g < grid; g++) {
    figures[figureAt.acceptDelay + g] = v1.acceptDelay.exposure[g]!;
    figures[figureAt.acceptDelay + grid + g] = v1.acceptDelay.logLikelihood[g]!;
  }
  return { acceptedTotal: v1.acceptedTotal, abandonedTotal: v1.abandonedTotal, figures };
}
