/**
 * A clock whose time moves only when a test says so; `sleep` records the requested delay and advances time by it
 * at once, so retry and Retry-After waits are observable without real waiting.
 */
export class ManualClock {
  #nowMs: number;
  /** Every delay passed to `sleep`, in order. */
  readonly sleeps: number[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.#nowMs += ms;
  }
}

/** A seeded linear congruential generator in [0, 1), for deterministic jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
