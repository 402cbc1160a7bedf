/**
 * An exponentially discounted ratio of two flows (numerator ÷ denominator) with a prior, discounted by time.
 * Used for handle time (handle seconds ÷ answered), patience (waiting-seconds ÷ abandoned), the pending time of
 * an invitation by Little's law (pending-seconds ÷ resolved), and realised abandonment (abandoned ÷ accepted).
 */
export interface RateRatioState {
  /** Discounted numerator. */
  readonly numerator: number;
  /** Discounted denominator. */
  readonly denominator: number;
}

/** A ratio with nothing observed. */
export function initialRateRatio(): RateRatioState {
  return { numerator: 0, denominator: 0 };
}

/** Discounts the sums by `exp(−seconds / memorySeconds)` and adds the new amounts. */
export function updateRateRatio(
  state: RateRatioState,
  numerator: number,
  denominator: number,
  seconds: number,
  memorySeconds: number,
): RateRatioState {
  const decay = seconds > 0 ? Math.exp(-seconds / memorySeconds) : 1;
  return {
    numerator: state.numerator * decay + Math.max(0, numerator),
    denominator: state.denominator * decay + Math.max(0, denominator),
  };
}

/** The ratio, shrunk toward `prior` with a weight of `priorDenominator` units of denominator. */
export function readRateRatio(state: RateRatioState, prior: number, priorDenominator: number): number {
  return (state.numerator + prior * priorDenominator) / (state.denominator + priorDenominator);
}
