import { sleepOnTimer, type CancelTimer, type Clock } from '../../../src/controller/clock.js';

interface PendingTimer {
  dueMs: number;
  seq: number;
  callback: () => void;
}

/** Lets pending promise callbacks (and the I/O phase) run, so async code reacts to a fired timer. */
export async function flushAsync(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A manual clock for unit tests: time moves only through `advance`, timers fire in due order. */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: PendingTimer[] = [];

  constructor(startMs = Date.UTC(2026, 10, 25, 18, 0, 0)) {
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): CancelTimer {
    const timer = { dueMs: this.#now + Math.max(0, delayMs), seq: (this.#seq += 1), callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimer(this, ms, signal);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers one by one and letting async work settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushAsync();
    for (;;) {
      const next = [...this.#timers].sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq)[0];
      if (!next || next.dueMs > target) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.dueMs);
      next.callback();
      await flushAsync();
    }
    this.#now = target;
    await flushAsync();
  }
}
