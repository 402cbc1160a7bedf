/**
 * A binary min-heap of simulation events keyed by time, stored in growable typed arrays (no object per event),
 * with an insertion sequence number breaking ties so that simultaneous events run in the order scheduled.
 */
export class EventHeap {
  #time = new Float64Array(1024);
  #seq = new Float64Array(1024);
  #kind = new Uint8Array(1024);
  #a = new Int32Array(1024);
  #b = new Int32Array(1024);
  #size = 0;
  #counter = 0;

  /** Events queued. */
  get size(): number {
    return this.#size;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.#size > 0 ? this.#time[0]! : Number.POSITIVE_INFINITY;
  }

  /** Queues an event of `kind` with two integer payloads at `time`. */
  push(time: number, kind: number, a: number, b: number): void {
    if (this.#size === this.#time.length) this.#grow();
    let i = this.#size++;
    const seq = this.#counter++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.#time[parent]!;
      if (pt < time || (pt === time && this.#seq[parent]! < seq)) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#set(i, time, seq, kind, a, b);
  }

  /** Removes the earliest event into `out` ([time, kind, a, b]); false when empty. */
  pop(out: [number, number, number, number]): boolean {
    if (this.#size === 0) return false;
    out[0] = this.#time[0]!;
    out[1] = this.#kind[0]!;
    out[2] = this.#a[0]!;
    out[3] = this.#b[0]!;
    const last = --this.#size;
    if (last === 0) return true;
    const time = this.#time[last]!;
    const seq = this.#seq[last]!;
    const kind = this.#kind[last]!;
    const a = this.#a[last]!;
    const b = this.#b[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && this.#less(right, child)) child = right;
      const ct = this.#time[child]!;
      if (ct > time || (ct === time && this.#seq[child]! > seq)) break;
      this.#move(child, i);
      i = child;
    }
    this.#set(i, time, seq, kind, a, b);
    return true;
  }

  #less(x: number, y: number): boolean {
    const tx = this.#time[x]!;
    const ty = this.#time[y]!;
    return tx < ty || (tx === ty && this.#seq[x]! < this.#seq[y]!);
  }

  #move(from: number, to: number): void {
    this.#set(to, this.#time[from]!, this.#seq[from]!, this.#kind[from]!, this.#a[from]!, this.#b[from]!);
  }

  #set(i: number, time: number, seq: number, kind: number, a: number, b: number): void {
    this.#time[i] = time;
    this.#seq[i] = seq;
    this.#kind[i] = kind;
    this.#a[i] = a;
    this.#b[i] = b;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.#time = grow(this.#time, (k) => new Float64Array(k));
    this.#seq = grow(this.#seq, (k) => new Float64Array(k));
    this.#kind = grow(this.#kind, (k) => new Uint8Array(k));
    this.#a = grow(this.#a, (k) => new Int32Array(k));
    this.#b = grow(this.#b, (k) => new Int32Array(k));
  }
}
