import { estimatorFigureCount } from './estimator-figures.js';
// isFiniteNumber rather than Number.isFinite: a double read from an array is not boxed for the call.
import { isFiniteNumber, isFiniteNumberArray, isRecord } from './pacing-policy.js';
import type { EstimatorState } from './target-estimators.js';

/** True when persisted estimator state (format 2) has both totals and every figure, all finite. */
export function isEstimatorState(value: unknown): value is EstimatorState {
  if (!isRecord(value)) return false;
  if (!isFiniteNumber(value['acceptedTotal']) || !isFiniteNumber(value['abandonedTotal'])) return false;
  return isFiniteNumberArray(value['figures'], estimatorFigureCount);
}
