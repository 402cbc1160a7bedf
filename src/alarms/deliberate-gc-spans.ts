/**
 * When the operator collected garbage on purpose, on the performance timeline (`performance.now()` ms, the clock
 * of perf_hooks `gc` entries). V8 marks a plain `gc()` as forced, but not the last-resort collections the idle
 * collector runs (their entries carry no flags), so the runtime alarms tell those apart by time: a collection
 * that started inside a recorded span is deliberate.
 */
export class DeliberateGcSpans {
  // Entries arrive within a task of their collection, so the last few spans are all that is ever asked about.
  static readonly #KEPT = 16;
  readonly #spans: { startMs: number; endMs: number }[] = [];

  /** Records one deliberate collection that ran from `startMs` to `endMs` (performance timeline). */
  record(startMs: number, endMs: number): void {
    this.#spans.push({ startMs, endMs });
    if (this.#spans.length > DeliberateGcSpans.#KEPT) this.#spans.shift();
  }

  /** True when a collection that started at `atMs` (performance timeline) ran inside a recorded span. */
  covers(atMs: number): boolean {
    return this.#spans.some((span) => atMs >= span.startMs && atMs <= span.endMs);
  }

  /** Runs `collect` and records its span; the span is recorded even when it throws. */
  run(collect: () => void, now: () => number = () => performance.now()): void {
    const startMs = now();
    try {
      collect();
    } finally {
      this.record(startMs, now());
    }
  }
}
