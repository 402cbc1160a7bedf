import { estimatorFigureCount } from './estimator-figures.js';
import { isRecord } from './pacing-policy.js';
import type { EstimatorState } from './target-estimators.js';

/**
 * Number.isFinite, written so that reading a double field or element does not box it into a fresh heap number for
 * the call: persisted state is checked for every target every round.
 */
function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && value - value === 0;
}

/** True when persisted estimator state (format 2) has both totals and every figure, all finite. */
export function isEstimatorState(value: unknown): value is EstimatorState {
  if (!isRecord(value)) return false;
  const figures = value['figures'];
  if (!isFiniteNumber(value['acceptedTotal']) || !isFiniteNumber(value['abandonedTotal'])) return false;
  if (!Array.isArray(figures) || figures.length !== estimatorFigureCount) return false;
  for (let i = 0; i < figures.length; i++) if (!isFiniteNumber(figures[i])) return false;
  return true;
}
