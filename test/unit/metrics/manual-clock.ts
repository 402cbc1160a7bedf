/** A hand-driven clock for the health check: time moves only when a test says so. */
export class ManualClock {
  #now = 1_000_000;
  #timers: { dueMs: number; callback: () => void }[] = [];

  nowMs(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer = { dueMs: this.#now + delayMs, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves time to now + ms without firing timers: what a blocked event loop looks like. */
  freeze(ms: number): void {
    this.#now += ms;
  }

  /** Fires every timer due by now (as the event loop does once unblocked). */
  runDue(): void {
    const due = this.#timers.filter((t) => t.dueMs <= this.#now);
    this.#timers = this.#timers.filter((t) => t.dueMs > this.#now);
    for (const timer of due) timer.callback();
  }
}
