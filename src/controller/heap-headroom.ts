import { getHeapSpaceStatistics } from 'node:v8';
import { isYoungSpace } from './memory-breakdown.js';

/** What {@link HeapHeadroom} reads between cycles, in bytes. */
export interface HeapReading {
  /** V8's old generation in use: every space but the young ones and the read-only one. */
  readonly oldUsedBytes: number;
  /** What the young generation has committed: V8 starts marking about this far before its limit. */
  readonly youngCapacityBytes: number;
}

/** What a {@link HeapHeadroom} made of one reading, in bytes. */
export interface HeapOutlook {
  /** Whether the expected growth would reach V8's marking point (or a first collection is due, to learn the base). */
  readonly isNear: boolean;
  /** The old generation in use now. */
  readonly oldUsedBytes: number;
  /** What the old generation is expected to grow by before the look after next could collect. */
  readonly expectedGrowthBytes: number;
  /** Where V8 is expected to start marking; absent before the first collection. */
  readonly markingStartsAtBytes?: number;
}

/** What a {@link HeapHeadroom} needs. */
export interface HeapHeadroomOptions {
  /**
   * V8's heap growing factor: after a full collection V8 lets the old generation grow to what survived it times
   * this before it collects again (`1 + --heap-growing-percent / 100`); > 1.
   */
  readonly growingFactor: number;
  /** Below this old generation no collection is asked for: V8's own are short there. Default 64 MiB. */
  readonly minOldBytes?: number | undefined;
  /** How many of the latest growths between two looks make the expected growth (their largest). Default 4. */
  readonly window?: number | undefined;
  /**
   * How many cycles' growth to allow for; default 2. One would be exact if V8 started marking where its limit
   * says; it started earlier at times (docs/performance.md, twenty-third pass), and a collection too many costs
   * a little CPU between cycles, one too few a slow cycle.
   */
  readonly lookaheadCycles?: number | undefined;
}

const MiB = 1024 * 1024;

/**
 * Predicts whether V8 could start one of its own full collections before the look after next. After a full
 * collection V8 sets its old-generation limit to what survived times the growing factor, and starts incremental
 * marking about a young generation's capacity before that limit; at 10,000 targets that marking (40–70 ms on the
 * main thread) and its final pause land inside a cycle. Told what survived each collection the operator ran and
 * read after every cycle, this says when the old generation plus the largest recent growth between two looks
 * (times the look-ahead) would reach that point, so the idle collector can run the collection between cycles
 * instead. Pure: the caller reads the heap.
 */
export class HeapHeadroom {
  readonly #growingFactor: number;
  readonly #minOldBytes: number;
  readonly #growths: number[] = [];
  readonly #window: number;
  readonly #lookaheadCycles: number;
  #survivedBytes: number | undefined;
  #lastOldBytes: number | undefined;
  #youngCapacityBytes = 0;

  /** Throws RangeError for a factor not above 1, a window not a positive whole number or a look-ahead not above 0. */
  constructor(options: HeapHeadroomOptions) {
    this.#growingFactor = options.growingFactor;
    this.#minOldBytes = options.minOldBytes ?? 64 * MiB;
    this.#window = options.window ?? 4;
    this.#lookaheadCycles = options.lookaheadCycles ?? 2;
    if (!(Number.isFinite(this.#growingFactor) && this.#growingFactor > 1)) {
      throw new RangeError(`HeapHeadroom: growingFactor must be above 1, got ${this.#growingFactor}`);
    }
    if (!(Number.isFinite(this.#minOldBytes) && this.#minOldBytes >= 0)) {
      throw new RangeError(`HeapHeadroom: minOldBytes must be 0 or more, got ${this.#minOldBytes}`);
    }
    if (!(Number.isInteger(this.#window) && this.#window > 0)) {
      throw new RangeError(`HeapHeadroom: window must be a whole number above 0, got ${this.#window}`);
    }
    if (!(Number.isFinite(this.#lookaheadCycles) && this.#lookaheadCycles > 0)) {
      throw new RangeError(`HeapHeadroom: lookaheadCycles must be above 0, got ${this.#lookaheadCycles}`);
    }
  }

  /** A full collection ran: what it left is V8's base for its next limit. */
  collected(after: HeapReading): void {
    this.#survivedBytes = after.oldUsedBytes;
    this.#lastOldBytes = after.oldUsedBytes;
  }

  /**
   * Between cycles: records the growth since the last look and says whether the expected growth (the largest
   * recent one times the look-ahead) would reach V8's marking point. With no collection seen yet it says yes once
   * the old generation is above the minimum, to learn the base.
   */
  look(now: HeapReading): HeapOutlook {
    const last = this.#lastOldBytes;
    this.#lastOldBytes = now.oldUsedBytes;
    if (last !== undefined && now.oldUsedBytes >= last) {
      this.#growths.push(now.oldUsedBytes - last);
      if (this.#growths.length > this.#window) this.#growths.shift();
    } else if (last !== undefined && this.#survivedBytes !== undefined) {
      // The old generation shrank: V8 collected on its own. What survived is at most what is left now; fewer
      // survivors than we knew (targets deleted) mean an earlier limit, so the base only moves down here.
      this.#survivedBytes = Math.min(this.#survivedBytes, now.oldUsedBytes);
    }
    // The largest seen: a memory-reducing collection shrinks the young generation, V8's margin stays.
    this.#youngCapacityBytes = Math.max(this.#youngCapacityBytes, now.youngCapacityBytes);
    const oldUsedBytes = now.oldUsedBytes;
    const expectedGrowthBytes = this.#expectedGrowth();
    if (this.#survivedBytes === undefined) {
      return { isNear: oldUsedBytes >= this.#minOldBytes, oldUsedBytes, expectedGrowthBytes };
    }
    const markingStartsAtBytes = this.#survivedBytes * this.#growingFactor - this.#youngCapacityBytes;
    const isNear =
      oldUsedBytes >= this.#minOldBytes && oldUsedBytes + expectedGrowthBytes >= markingStartsAtBytes;
    return { isNear, oldUsedBytes, expectedGrowthBytes, markingStartsAtBytes };
  }

  #expectedGrowth(): number {
    let largest = 0;
    for (let i = 0; i < this.#growths.length; i += 1) largest = Math.max(largest, this.#growths[i] ?? 0);
    return largest * this.#lookaheadCycles;
  }
}

/** Reads the current {@link HeapReading} from V8's space statistics (microseconds; meant for between cycles). */
export function readHeapReading(): HeapReading {
  let oldUsedBytes = 0;
  let youngCapacityBytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    const name = space.space_name;
    if (isYoungSpace(name)) youngCapacityBytes += space.space_size;
    else if (name !== 'read_only_space') oldUsedBytes += space.space_used_size;
  }
  return { oldUsedBytes, youngCapacityBytes };
}
