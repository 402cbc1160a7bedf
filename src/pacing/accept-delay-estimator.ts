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
    logLikelihood: acceptDelayGridSeconds.map((d) => -t.priorWeight * Math.log(d / t.priorSeconds) ** 2),
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
  const cohorts = [Math.max(0, sent), ...state.cohorts].slice(0, keep);
  const decay = Math.exp(-intervalSeconds / t.memorySeconds);
  const logLikelihood = acceptDelayGridSeconds.map((d, g) => {
    const r = Math.exp(-intervalSeconds / d);
    let survival = 1; // S(jΔ)
    let predicted = 0;
    for (const n of cohorts) {
      const next = survival * r;
      predicted += n * (survival - next);
      survival = next;
    }
    predicted *= p;
    const previous = (state.logLikelihood[g] ?? 0) * decay;
    if (predicted <= 1e-9) return previous - (accepted > 0 ? 50 : 0);
    return previous + Math.max(0, accepted) * Math.log(predicted) - predicted;
  });
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
