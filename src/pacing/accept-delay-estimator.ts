/**
 * Online estimate of the invite → accept delay, and from it of the acceptances still to come from the invitations
 * already sent.
 *
 * A pending *count* cannot tell a fresh invitation (likely to be accepted soon) from an old one (most visitors who
 * accept do so within seconds; the old ones mostly end in a decline or expiry). The estimator therefore fits the
 * mean accept delay D by discounted Poisson likelihood over a fixed grid, with an exponential delay model. For
 * each candidate D it keeps the *exposure* `E = Σ_j n_j · r^j` (n_j invitations sent j intervals ago,
 * `r = e^(−Δ/D)`), which updates recursively as `E ← r·E + sent`, so no send history is stored: each interval the
 * candidate predicts `p · (1 − r) · E` acceptances and the observed acceptances score it. Only acceptances and
 * the known exposure enter, so invitations still pending are censored, never counted as declines. The acceptances
 * still to come are `p · r · E` for the most likely D. The delay is told apart by how acceptances lag bursts of
 * sends; pacing sends in bursts as slots free up, so there is always such variation (a perfectly constant send
 * rate would leave every candidate equally likely, and the prior wins).
 */
export interface AcceptDelayState {
  /** Exposure `Σ_j n_j · r^j` of each candidate delay in {@link acceptDelayGridSeconds}. */
  readonly exposure: readonly number[];
  /** Discounted log-likelihood of each candidate delay. */
  readonly logLikelihood: readonly number[];
}

/** Candidate mean accept delays, seconds. */
export const acceptDelayGridSeconds: readonly number[] = [2, 3, 4.5, 6, 8, 10, 13, 17, 22, 30, 40];

/** Tuning of the accept-delay estimator. */
export const acceptDelayTuning = {
  /** Memory of the likelihood, seconds. */
  memorySeconds: 1800,
  /** The prior's centre (seconds) and weight: it only breaks ties before any acceptance was seen. */
  priorSeconds: 10,
  priorWeight: 2,
} as const;

/** A fresh estimator: no exposure, the prior alone. */
export function initialAcceptDelayState(): AcceptDelayState {
  const t = acceptDelayTuning;
  return {
    exposure: acceptDelayGridSeconds.map(() => 0),
    // `+ 0` turns −0 into 0: JSON has no −0, and persisted state must read back exactly as written.
    logLikelihood: acceptDelayGridSeconds.map((d) => -t.priorWeight * Math.log(d / t.priorSeconds) ** 2 + 0),
  };
}

/**
 * The per-interval factors of an interval of `intervalSeconds`: `r = e^(−Δ/D)` for every candidate delay D of
 * the grid, then the likelihood's decay `e^(−Δ/memory)` at index `grid.length`. Every target of a round shares
 * one interval, so a round computes them once instead of once per target.
 */
export function acceptDelayDecays(intervalSeconds: number): Float64Array {
  const grid = acceptDelayGridSeconds;
  const decays = new Float64Array(grid.length + 1);
  for (let g = 0; g < grid.length; g++) decays[g] = Math.exp(-intervalSeconds / grid[g]!);
  decays[grid.length] = Math.exp(-intervalSeconds / acceptDelayTuning.memorySeconds);
  return decays;
}

/**
 * Adds one interval of `intervalSeconds`: `sent` invitations went out at its start, `accepted` were accepted
 * during it, with the acceptance probability `p` estimated now. `decays` are {@link acceptDelayDecays} of the
 * same interval when the caller has them (computed here otherwise).
 */
export function updateAcceptDelay(
  state: AcceptDelayState,
  sent: number,
  accepted: number,
  intervalSeconds: number,
  p: number,
  decays: Float64Array = acceptDelayDecays(intervalSeconds),
): AcceptDelayState {
  if (!(intervalSeconds > 0)) return state;
  const grid = acceptDelayGridSeconds;
  const decay = decays[grid.length]!;
  const exposure = gridSizedDoubles();
  const logLikelihood = gridSizedDoubles();
  const newlySent = Math.max(0, sent);
  const acceptedCount = Math.max(0, accepted);
  for (let g = 0; g < grid.length; g++) {
    const r = decays[g]!;
    const e = r * (state.exposure[g] ?? 0) + newlySent;
    exposure[g] = e;
    const predicted = p * (1 - r) * e;
    const previous = (state.logLikelihood[g] ?? 0) * decay;
    logLikelihood[g] =
      (predicted <= 1e-9
        ? previous - (acceptedCount > 0 ? 50 : 0)
        : previous + acceptedCount * Math.log(predicted) - predicted) + 0;
  }
  return { exposure, logLikelihood };
}

/**
 * An array of one double per candidate delay, to be overwritten. A literal of doubles is created as an array of
 * unboxed doubles in one allocation; `new Array(n)` starts as an array of small integers and is copied into a
 * double array at the first fractional write (twice per target per round).
 */
function gridSizedDoubles(): number[] {
  // Numeric literals (not NaN, a global) make a constant literal, copied as one block of doubles.
  const values = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  // Correct for any grid: a longer grid grows the array, a shorter one cuts it.
  if (values.length !== acceptDelayGridSeconds.length) values.length = acceptDelayGridSeconds.length;
  return values;
}

/** Index in {@link acceptDelayGridSeconds} of the most likely mean accept delay. */
export function mostLikelyAcceptDelayIndex(state: AcceptDelayState): number {
  let best = 0;
  for (let g = 1; g < acceptDelayGridSeconds.length; g++) {
    if ((state.logLikelihood[g] ?? -Infinity) > (state.logLikelihood[best] ?? -Infinity)) best = g;
  }
  return best;
}

/** The most likely mean accept delay, seconds. */
export function estimateAcceptDelaySeconds(state: AcceptDelayState): number {
  return acceptDelayGridSeconds[mostLikelyAcceptDelayIndex(state)]!;
}

/**
 * Acceptances still expected, one interval of `intervalSeconds` after the last update, from the invitations sent
 * so far, under the candidate delay at `index` of the grid (`decays`: {@link acceptDelayDecays} of that interval).
 */
export function expectedAcceptancesToCome(
  state: AcceptDelayState,
  intervalSeconds: number,
  index: number,
  p: number,
  decays?: Float64Array,
): number {
  const r = decays ? decays[index]! : Math.exp(-intervalSeconds / acceptDelayGridSeconds[index]!);
  return p * r * (state.exposure[index] ?? 0);
}
