/** Inputs of the Erlang-A (M/M/n+M) queue. */
export interface ErlangAInput {
  /** Number of slots n (≥ 1). */
  readonly slots: number;
  /** Arrival rate λ of accepted interactions, per second. */
  readonly arrivalRate: number;
  /** Service rate μ per slot, per second (1 / mean handle time). */
  readonly serviceRate: number;
  /** Abandonment rate θ per waiting interaction, per second (1 / mean patience). */
  readonly abandonRate: number;
}

/** Steady-state figures of the Erlang-A queue. */
export interface ErlangAResult {
  /** Probability that an arrival abandons. */
  readonly abandonProbability: number;
  /** Probability that an arrival waits. */
  readonly waitProbability: number;
  /** Mean number waiting. */
  readonly meanQueue: number;
  /** Mean wait of all arrivals, seconds. */
  readonly meanWaitSeconds: number;
  /** Busy slots ÷ slots. */
  readonly occupancy: number;
}

/**
 * Erlang-A by its birth–death solution, summed in log space relative to the largest term so that it stays
 * finite for 1–2000 slots and any load (π_k ∝ (λ/μ)^k/k! up to n, then × λ/(nμ + jθ) per waiting j).
 */
export function erlangA(input: ErlangAInput): ErlangAResult {
  const n = Math.max(1, Math.round(input.slots));
  const { arrivalRate: lambda, serviceRate: mu, abandonRate: theta } = input;
  if (!(lambda > 0))
    return { abandonProbability: 0, waitProbability: 0, meanQueue: 0, meanWaitSeconds: 0, occupancy: 0 };
  const logA = Math.log(lambda / mu);
  // log π_k for k ≤ n (unnormalised), tracked with a running maximum for a stable log-sum-exp.
  const logTerms: number[] = [0];
  let logPi = 0;
  for (let k = 1; k <= n; k++) {
    logPi += logA - Math.log(k);
    logTerms.push(logPi);
  }
  const logPiN = logPi;
  const queueLogTerms: number[] = [];
  let logQ = logPiN;
  for (let j = 1; j < 10_000_000; j++) {
    const ratio = lambda / (n * mu + j * theta);
    logQ += Math.log(ratio);
    queueLogTerms.push(logQ);
    // Stop once the terms shrink and are negligible next to π_n.
    if (ratio < 1 && logQ < logPiN - 40) break;
    if (!(theta > 0) && ratio >= 1) break;
  }
  let max = -Infinity;
  for (const v of logTerms) if (v > max) max = v;
  for (const v of queueLogTerms) if (v > max) max = v;
  let total = 0;
  let busy = 0;
  logTerms.forEach((v, k) => {
    const w = Math.exp(v - max);
    total += w;
    busy += k * w;
  });
  let waiting = 0;
  let queueMass = 0;
  queueLogTerms.forEach((v, index) => {
    const w = Math.exp(v - max);
    total += w;
    queueMass += w;
    busy += n * w;
    waiting += (index + 1) * w;
  });
  const piN = Math.exp(logPiN - max) / total;
  const meanQueue = waiting / total;
  const abandonProbability = theta > 0 ? Math.min(1, (theta * meanQueue) / lambda) : 0;
  return {
    abandonProbability,
    waitProbability: piN + queueMass / total,
    meanQueue,
    meanWaitSeconds: meanQueue / lambda,
    occupancy: Math.min(1, busy / total / n),
  };
}

/**
 * The largest arrival rate λ (per second) at which Erlang-A abandonment equals `goalRatio`, by bisection
 * (abandonment grows with λ). The open-loop anchor: Poisson invitations at λ/p meet the goal in steady state.
 */
export function erlangAArrivalRateForGoal(
  slots: number,
  serviceRate: number,
  abandonRate: number,
  goalRatio: number,
): number {
  const at = (lambda: number): number =>
    erlangA({ slots, arrivalRate: lambda, serviceRate, abandonRate }).abandonProbability;
  let low = 0;
  let high = Math.max(1e-6, slots * serviceRate);
  for (let i = 0; i < 60 && at(high) < goalRatio; i++) high *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (at(mid) <= goalRatio) low = mid;
    else high = mid;
  }
  return low;
}
