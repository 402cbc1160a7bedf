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
  figures[figureAt.pendingSecondsSum] = v1.pendingSecondsSum;
  figures[figureAt.resolvedSum] = v1.resolvedSum;
  figures[figureAt.handleSecondsSum] = v1.handleSecondsSum;
  figures[figureAt.answeredSum] = v1.answeredSum;
  figures[figureAt.waitingSecondsSum] = v1.waitingSecondsSum;
  figures[figureAt.abandonedSum] = v1.abandonedSum;
  figures[figureAt.acceptedSum] = v1.acceptedSum;
  figures[figureAt.secondsSum] = v1.secondsSum;
  figures[figureAt.abandonedShort] = v1.abandonedShort;
  figures[figureAt.acceptedShort] = v1.acceptedShort;
  figures[figureAt.abandonedHour] = v1.abandonedHour;
  figures[figureAt.acceptedHour] = v1.acceptedHour;
  figures[figureAt.acceptance] = v1.acceptance.fastAccepted;
  figures[figureAt.acceptance + 1] = v1.acceptance.fastResolved;
  figures[figureAt.acceptance + 2] = v1.acceptance.slowAccepted;
  figures[figureAt.acceptance + 3] = v1.acceptance.slowResolved;
  const grid = acceptDelayGridSeconds.length;
  for (let g = 0; g < grid; g++) {
    figures[figureAt.acceptDelay + g] = v1.acceptDelay.exposure[g]!;
    figures[figureAt.acceptDelay + grid + g] = v1.acceptDelay.logLikelihood[g]!;
  }
  return { acceptedTotal: v1.acceptedTotal, abandonedTotal: v1.abandonedTotal, figures };
}
