/**
 * Online estimate of the invite → accept delay, and from it of the acceptances still to come from the invitations
 * already sent.
 *
 * A pending *count* cannot tell a fresh invitation (likely to be accepted soon) from an old one (most visitors who
 * accept do so within seconds; the old ones mostly end in a decline or expiry). The estimator therefore keeps the
 * recent send history in cohorts (invitations sent per interval, newest first) and fits the mean accept delay D by
 * discounted Poisson likelihood over a fixed grid: each interval, candidate D predicts
 * `p · Σ_j n_j · (S(jΔ) − S((j+1)Δ))` acceptances with `S(a) = e^(−a/D)`, and the observed acceptances score it.
 * Only acceptances and the known exposure of every cohort enter, so invitations still pending are censored, never
 * counted as declines. The expected acceptances still to come are `p · Σ_j n_j · S((j+1)Δ)`. The delay is told
 * apart by how acceptances lag bursts of sends; pacing sends in bursts as slots free up, so there is always
 * such variation (a perfectly constant send rate would leave every candidate equally likely, and the prior wins).
 */
export interface AcceptDelayState {
  /** Invitations sent per past interval, newest first (index j was sent j + 1 intervals ago). */
  readonly cohorts: readonly number[];
  /** Discounted log-likelihood of each candidate delay in {@link acceptDelayGridSeconds}. */
  readonly logLikelihood: readonly number[];
}

/** Candidate mean accept delays, seconds. */
export const acceptDelayGridSeconds: readonly number[] = [2, 3, 4.5, 6, 8, 10, 13, 17, 22, 30, 40];

/** Tuning of the accept-delay estimator. */
export const acceptDelayTuning = {
  /** Longest age remembered, seconds (beyond the expiry of any platform we know). */
  horizonSeconds: 60,
  /** Most cohorts kept, whatever the interval. */
  maxCohorts: 32,
  /** Memory of the likelihood, seconds. */
  memorySeconds: 1800,
  /** The prior's centre (seconds) and weight: it only breaks ties before any acceptance was seen. */
  priorSeconds: 10,
  priorWeight: 2,
} as const;

/** A fresh estimator: no history, the prior alone. */
export function initialAcceptDelayState(): AcceptDelayState {
  const t = acceptDelayTuning;
  return {
    cohorts: [],
    // `+ 0` turns −0 into 0: JSON has no −0, and persisted state must read back exactly as written.
    logLikelihood: acceptDelayGridSeconds.map((d) => -t.priorWeight * Math.log(d / t.priorSeconds) ** 2 + 0),
  };
}

/**
 * Adds one interval: `sent` invitations went out at its start, `accepted` were accepted during it, with the
 * acceptance probability `p` estimated now.
 */
export function updateAcceptDelay(
  state: AcceptDelayState,
  sent: number,
  accepted: number,
  intervalSeconds: number,
  p: number,
): AcceptDelayState {
  if (!(intervalSeconds > 0)) return state;
  const t = acceptDelayTuning;
  const keep = Math.max(1, Math.min(t.maxCohorts, Math.ceil(t.horizonSeconds / intervalSeconds)));
  const size = Math.min(keep, state.cohorts.length + 1);
  const cohorts = new Array<number>(size);
  cohorts[0] = Math.max(0, sent);
  for (let j = 1; j < size; j++) cohorts[j] = state.cohorts[j - 1]!;
  const decay = Math.exp(-intervalSeconds / t.memorySeconds);
  const grid = acceptDelayGridSeconds;
  const logLikelihood = new Array<number>(grid.length);
  for (let g = 0; g < grid.length; g++) {
    // Σ_j n_j (S(jΔ) − S((j+1)Δ)) with S(jΔ) = r^j: one multiplication per cohort.
    const r = Math.exp(-intervalSeconds / grid[g]!);
    let survival = 1;
    let predicted = 0;
    for (let j = 0; j < size; j++) {
      predicted += cohorts[j]! * survival;
      survival *= r;
    }
    predicted *= p * (1 - r);
    const previous = (state.logLikelihood[g] ?? 0) * decay;
    logLikelihood[g] =
      (predicted <= 1e-9
        ? previous - (accepted > 0 ? 50 : 0)
        : previous + Math.max(0, accepted) * Math.log(predicted) - predicted) + 0;
  }
  return { cohorts, logLikelihood };
}

/** The most likely mean accept delay, seconds. */
export function estimateAcceptDelaySeconds(state: AcceptDelayState): number {
  let best = 0;
  for (let g = 1; g < acceptDelayGridSeconds.length; g++) {
    if ((state.logLikelihood[g] ?? -Infinity) > (state.logLikelihood[best] ?? -Infinity)) best = g;
  }
  return acceptDelayGridSeconds[best]!;
}

/** Acceptances still expected from the invitations in the cohorts, `intervalSeconds` apart, at mean delay D. */
export function expectedAcceptancesToCome(
  state: AcceptDelayState,
  intervalSeconds: number,
  delaySeconds: number,
  p: number,
): number {
  const r = Math.exp(-intervalSeconds / delaySeconds);
  let survival = r;
  let expected = 0;
  for (const n of state.cohorts) {
    expected += n * survival;
    survival *= r;
  }
  return p * expected;
}
