import { AlarmConfigError } from './errors.js';

/** Garbage-collection figures over the sliding window. */
export interface GcSummary {
  /** Longest single pause in the window, ms; 0 when there was none. */
  readonly maxPauseMs: number;
  /** Major (mark-sweep-compact) collections in the window, scaled to one minute. */
  readonly majorCountPerMinute: number;
}

/** The garbage collections of the last `windowMs`; pure, time passed in. */
export class GcWindow {
  readonly #windowMs: number;
  readonly #entries: { atMs: number; pauseMs: number; isMajor: boolean }[] = [];

  /** `windowMs` > 0; throws `AlarmConfigError` otherwise. */
  constructor(windowMs: number) {
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new AlarmConfigError(`gc window windowMs must be a finite number > 0, got ${windowMs}`);
    }
    this.#windowMs = windowMs;
  }

  /** Records one collection seen at `atMs` that paused `pauseMs`; `isMajor` for mark-sweep-compact. */
  add(atMs: number, pauseMs: number, isMajor: boolean): void {
    this.#entries.push({ atMs, pauseMs, isMajor });
  }

  /** Summarises the collections in (nowMs - windowMs, nowMs], forgetting older ones. */
  summarize(nowMs: number): GcSummary {
    const oldestMs = nowMs - this.#windowMs;
    // Entries arrive in time order, so the expired ones are a prefix.
    let expired = 0;
    while (expired < this.#entries.length && this.#entries[expired]!.atMs <= oldestMs) expired += 1;
    this.#entries.splice(0, expired);
    let maxPauseMs = 0;
    let majorCount = 0;
    for (const entry of this.#entries) {
      maxPauseMs = Math.max(maxPauseMs, entry.pauseMs);
      if (entry.isMajor) majorCount += 1;
    }
    return { maxPauseMs, majorCountPerMinute: (majorCount * 60_000) / this.#windowMs };
  }
}
