/** The part of a clock the health check needs (structurally the controller's and engine's Clock). */
export interface HealthClock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Runs `callback` after `delayMs`; returns its canceller. */
  setTimer(delayMs: number, callback: () => void): () => void;
}

/** Options of {@link EventLoopHealth}. */
export interface EventLoopHealthOptions {
  /** Source of time and timers. */
  clock: HealthClock;
  /** How often the probe timer ticks. Default 1 000 ms. */
  intervalMs?: number;
  /** A tick later than this (event loop blocked) makes the process unhealthy. Default 5 000 ms. */
  maxLagMs?: number;
}

/** What /healthz reports. */
export interface EventLoopHealthReport {
  /** True when the event loop ran the probe on time. */
  isHealthy: boolean;
  /** Lag of the last tick in ms (how late the timer fired). */
  lastLagMs: number;
  /** Milliseconds since the last tick. */
  sinceLastTickMs: number;
}

/**
 * Event-loop liveness by a lag timer: a timer due every `intervalMs` records how late it fired. The process is
 * unhealthy while the last tick was more than `maxLagMs` late, or while no tick happened for that long — a
 * blocked loop (busy loop, runaway GC) cannot pace anything, and a restart is the cure.
 */
export class EventLoopHealth {
  readonly #clock: HealthClock;
  readonly #intervalMs: number;
  readonly #maxLagMs: number;
  #lastTickMs: number;
  #lastLagMs = 0;
  #cancel: (() => void) | undefined;

  /** Starts ticking at once. */
  constructor(options: EventLoopHealthOptions) {
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs ?? 1_000;
    this.#maxLagMs = options.maxLagMs ?? 5_000;
    this.#lastTickMs = this.#clock.nowMs();
    this.#schedule();
  }

  /** The current verdict. */
  report(): EventLoopHealthReport {
    const sinceLastTickMs = this.#clock.nowMs() - this.#lastTickMs;
    const isHealthy =
      this.#lastLagMs <= this.#maxLagMs && sinceLastTickMs <= this.#intervalMs + this.#maxLagMs;
    return { isHealthy, lastLagMs: this.#lastLagMs, sinceLastTickMs };
  }

  /** Stops the probe timer. */
  close(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #schedule(): void {
    const expectedMs = this.#clock.nowMs() + this.#intervalMs;
    this.#cancel = this.#clock.setTimer(this.#intervalMs, () => {
      const now = this.#clock.nowMs();
      this.#lastLagMs = Math.max(0, now - expectedMs);
      this.#lastTickMs = now;
      this.#schedule();
    });
  }
}
