/**
 * One array per distinct list of target ids: a publisher sends the same chunk of targets every cycle, and the
 * reference platform records every publication (for the one-publisher proof), so without sharing a long scale
 * run held a fresh copy of 2,500 parsed ids per chunk per cycle, a heap that grew by hundreds of MB.
 */
export class SharedIdLists {
  readonly #lists = new Map<string, readonly string[]>();
  readonly #capacity: number;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** An array equal to `ids`: the one kept for that list when there is one (frozen, as it is shared). */
  share(ids: readonly string[]): readonly string[] {
    if (ids.length === 0) return EMPTY;
    const key = ids.join('\n');
    const kept = this.#lists.get(key);
    // Compared in full: an id with a newline in it could make two lists join alike.
    if (kept !== undefined && kept.length === ids.length && kept.every((id, i) => id === ids[i])) return kept;
    const list = Object.freeze([...ids]);
    this.#lists.set(key, list);
    if (this.#lists.size > this.#capacity) this.#lists.delete(this.#lists.keys().next().value!);
    return list;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);
