/**
 * A seeded uniform generator (mulberry32). Each visitor, reactive arrival stream and lead stream gets its own,
 * derived from (seed, target, index), so every policy faces the same visitors (common random numbers).
 */
export class RandomStream {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** A uniform number in (0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  /** A 32-bit integer, to seed a child stream. */
  nextSeed(): number {
    return Math.floor(this.next() * 4294967296) | 0;
  }
}

/** Mixes numbers into one 32-bit seed (a murmur-style finaliser per input), for per-entity streams. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= Math.imul((part | 0) ^ 0x85ebca6b, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h | 0;
}
