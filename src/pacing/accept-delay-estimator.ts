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
  const grid = acceptDelayGridSeconds.length;
  // A missing candidate (a short persisted array) counts as 0, as it always has.
  const previous = new Array<number>(2 * grid);
  for (let g = 0; g < grid; g++) {
    previous[g] = state.exposure[g] ?? 0;
    previous[grid + g] = state.logLikelihood[g] ?? 0;
  }
  const next = new Array<number>(2 * grid);
  advanceAcceptDelayInto(next, previous, 0, sent, accepted, p, decays);
  return { exposure: next.slice(0, grid), logLikelihood: next.slice(grid) };
}

/**
 * {@link updateAcceptDelay} on one flat array of figures, for an interval longer than 0: the candidates' exposures
 * are `previous[at … at + grid)` and their log-likelihoods the next `grid` entries; the new ones are written to the
 * same places of `out`. Learned state keeps them in one array with the other estimators (see target-estimators).
 */
export function advanceAcceptDelayInto(
  out: number[],
  previous: readonly number[],
  at: number,
  sent: number,
  accepted: number,
  p: number,
  decays: Float64Array,
): void {
  const grid = acceptDelayGridSeconds.length;
  const decay = decays[grid]!;
  const newlySent = Math.max(0, sent);
  const acceptedCount = Math.max(0, accepted);
  for (let g = 0; g < grid; g++) {
    const r = decays[g]!;
    const e = r * previous[at + g]! + newlySent;
    out[at + g] = e;
    const predicted = p * (1 - r) * e;
    const prior = previous[at + grid + g]! * decay;
    out[at + grid + g] =
      (predicted <= 1e-9
        ? prior - (acceptedCount > 0 ? 50 : 0)
        : prior + acceptedCount * Math.log(predicted) - predicted) + 0;
  }
}

/** Index in {@link acceptDelayGridSeconds} of the most likely mean accept delay. */
export function mostLikelyAcceptDelayIndex(state: AcceptDelayState): number {
  return mostLikelyAcceptDelayIndexIn(state.logLikelihood, 0);
}

/**
 * {@link mostLikelyAcceptDelayIndex} of the log-likelihoods at `logLikelihood[at …]` (a missing one is never the
 * most likely).
 */
export function mostLikelyAcceptDelayIndexIn(logLikelihood: readonly number[], at: number): number {
  let best = 0;
  for (let g = 1; g < acceptDelayGridSeconds.length; g++) {
    if ((logLikelihood[at + g] ?? -Infinity) > (logLikelihood[at + best] ?? -Infinity)) best = g;
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
  return expectedAcceptancesToComeIn(state.exposure, 0, intervalSeconds, index, p, decays);
}

/**
 * Invitations expected to be still pending, one interval of `intervalSeconds` after the last update, if an
 * invitation stays pending an exponential time of mean `pendingSeconds` (any outcome): the exposures of the two
 * grid delays around it, interpolated on a log scale (`decays`: {@link acceptDelayDecays} of that interval). The
 * exposures are kept for every candidate delay anyway, so this costs no state of its own.
 */
export function expectedPendingIn(
  exposure: readonly number[],
  at: number,
  intervalSeconds: number,
  pendingSeconds: number,
  decays?: Float64Array,
): number {
  const grid = acceptDelayGridSeconds;
  let hi = 1;
  while (hi < grid.length - 1 && grid[hi]! < pendingSeconds) hi++;
  const lo = hi - 1;
  const lower = grid[lo]!;
  const upper = grid[hi]!;
  const w = Math.min(1, Math.max(0, Math.log(pendingSeconds / lower) / Math.log(upper / lower)));
  const rLo = decays ? decays[lo]! : Math.exp(-intervalSeconds / lower);
  const rHi = decays ? decays[hi]! : Math.exp(-intervalSeconds / upper);
  return (1 - w) * rLo * (exposure[at + lo] ?? 0) + w * rHi * (exposure[at + hi] ?? 0);
}

/**
 * The acceptances still to come from `pending` invitations: each pending one gets the model's share of them,
 * `acceptancesToCome ÷ expectedPending` (unconditional acceptances still to come over invitations expected to be
 * still pending). The exposures alone count an invitation that was accepted or declined a moment ago as if it
 * were still out; the pending count the platform reports says how many really are, so right after an acceptance
 * (or a run of declines) fewer acceptances are expected. `priorPending` invitations of a fresh one's odds (`p`)
 * keep the ratio defined when nothing was sent lately (pending invitations the exposures do not know of).
 */
export function acceptancesToComeFromPending(
  pending: number,
  acceptancesToCome: number,
  expectedPending: number,
  p: number,
  priorPending = 0.1,
): number {
  const perPending = (acceptancesToCome + p * priorPending) / (expectedPending + priorPending);
  return Math.min(pending, pending * Math.min(1, perPending));
}

/** {@link expectedAcceptancesToCome} from the exposures at `exposure[at …]`. */
export function expectedAcceptancesToComeIn(
  exposure: readonly number[],
  at: number,
  intervalSeconds: number,
  index: number,
  p: number,
  decays?: Float64Array,
): number {
  const r = decays ? decays[index]! : Math.exp(-intervalSeconds / acceptDelayGridSeconds[index]!);
  return p * r * (exposure[at + index] ?? 0);
}
