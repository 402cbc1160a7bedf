/** Memories of the time-discounted estimators, seconds. */
const memories = {
  pendingTime: 600,
  handleTime: 1800,
  patience: 3600,
  acceptedRate: 900,
  abandonShort: 900,
  abandonHour: 3600,
} as const;

/** `exp(−seconds / memory)`, 1 when no time passed. */
function decayOver(seconds: number, memorySeconds: number): number {
  return seconds > 0 ? Math.exp(-seconds / memorySeconds) : 1;
}

/**
 * The discount factors of the time-discounted estimators over one interval (the pending estimator) and one span of
 * statistics time (the others). The targets of a round share both spans, so a round keeps one of these and the
 * six exponentials are computed once per distinct span instead of once per target — the same values.
 */
export class SpanDecays {
  #intervalSeconds = Number.NaN;
  #statsSeconds = Number.NaN;
  /** Pending-time factor over the interval. */
  pending = 1;
  /** Handle-time factor over the statistics span. */
  handle = 1;
  /** Patience factor over the statistics span. */
  patience = 1;
  /** Accepted-rate factor over the statistics span. */
  rate = 1;
  /** 15-minute abandonment factor over the statistics span. */
  short = 1;
  /** One-hour abandonment factor over the statistics span. */
  hour = 1;

  /** The factors for these spans (recomputed only when a span differs from the previous call's). */
  over(intervalSeconds: number, statsSeconds: number): this {
    if (intervalSeconds !== this.#intervalSeconds) {
      this.#intervalSeconds = intervalSeconds;
      this.pending = decayOver(intervalSeconds, memories.pendingTime);
    }
    if (statsSeconds !== this.#statsSeconds) {
      this.#statsSeconds = statsSeconds;
      this.handle = decayOver(statsSeconds, memories.handleTime);
      this.patience = decayOver(statsSeconds, memories.patience);
      this.rate = decayOver(statsSeconds, memories.acceptedRate);
      this.short = decayOver(statsSeconds, memories.abandonShort);
      this.hour = decayOver(statsSeconds, memories.abandonHour);
    }
    return this;
  }
}
