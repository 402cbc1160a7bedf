import type { CycleGate } from '../engine/index.js';
import { callOnce } from './call-once.js';
import type { Clock } from './clock.js';

/** Options of {@link CycleQuiet}. */
export interface CycleQuietOptions {
  /** Timers for the bounded wait. */
  readonly clock: Pick<Clock, 'setTimer'>;
  /** Longest {@link CycleQuiet.whenQuiet} waits for the cycles in flight, ms; ≥ 0. */
  readonly maxWaitMs: number;
}

/**
 * Lets work that may run at any time (rendering /metrics for a scrape) wait until no pacing cycle is in flight.
 * At 10,000 targets the metrics text is about 6 MB and rendering it takes a few hundred ms of the event loop;
 * when a scrape arrived while a cycle awaited its statistics, that CPU went into the cycle (a 570 ms cycle in
 * the twenty-fifth pass of docs/performance.md). The wait is bounded: with cycles back to back (many clusters,
 * or a slow one) the work runs anyway after `maxWaitMs`, as before.
 */
export class CycleQuiet implements CycleGate {
  readonly #o: CycleQuietOptions;
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  /** Throws RangeError for a wait that is not a finite number ≥ 0. */
  constructor(options: CycleQuietOptions) {
    if (!(Number.isFinite(options.maxWaitMs) && options.maxWaitMs >= 0)) {
      throw new RangeError(`CycleQuiet: maxWaitMs must be 0 or more, got ${options.maxWaitMs}`);
    }
    this.#o = options;
  }

  /** A cycle starts; the returned function ends it (once, however often it is called). */
  enter(): () => void {
    this.#inFlight += 1;
    return callOnce(() => {
      this.#inFlight -= 1;
      if (this.#inFlight > 0) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** Resolves at once when no cycle is in flight, else when the last one ends or after `maxWaitMs`. */
  whenQuiet(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let isDone = false;
      // Called by the timer or by the last cycle's end, both later than this function: `cancel` is set by then.
      const wake = (): void => {
        if (isDone) return;
        isDone = true;
        cancel();
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        resolve();
      };
      const cancel = this.#o.clock.setTimer(this.#o.maxWaitMs, wake);
      this.#waiters.push(wake);
    });
  }
}
