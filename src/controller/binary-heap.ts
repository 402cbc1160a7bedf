/**
 * A binary min-heap under a caller's order: push and pop in O(log n), peek in O(1). `isBefore(a, b)` is true
 * when `a` must come out before `b`.
 */
export class BinaryHeap<T> {
  readonly #items: T[] = [];
  readonly #isBefore: (a: T, b: T) => boolean;

  constructor(isBefore: (a: T, b: T) => boolean) {
    this.#isBefore = isBefore;
  }

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item. */
  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#isBefore(items[i] as T, items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    const items = this.#items;
    const first = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return first;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.#isBefore(items[left] as T, items[best] as T)) best = left;
      if (right < items.length && this.#isBefore(items[right] as T, items[best] as T)) best = right;
      if (best === i) break;
      this.#swap(i, best);
      i = best;
    }
    return first;
  }

  /** Keeps only the items `keep` accepts (drops stale entries), in O(n). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.#items.filter(keep);
    this.#items.length = 0;
    for (const item of kept) this.push(item);
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
}
