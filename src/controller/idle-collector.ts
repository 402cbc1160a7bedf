import type { Logger } from 'pino';
import type { CycleGate } from '../engine/index.js';
import { callOnce } from './call-once.js';
import type { CancelTimer, Clock } from './clock.js';
import { HeapHeadroom, readHeapReading, type HeapOutlook, type HeapReading } from './heap-headroom.js';
import type { MemoryBreakdown } from './memory-breakdown.js';

/**
 * Why the {@link IdleCollector} collected: `memory`, resident memory above the soft limit (a memory-reducing
 * collection); `heap`, V8 could have started its own full collection before the look after next (a plain one).
 */
export type IdleCollectionReason = 'memory' | 'heap';

/** One collection the {@link IdleCollector} ran. */
export interface IdleCollection {
  /** Why it ran. */
  readonly reason: IdleCollectionReason;
  /** How long the collection took, ms. */
  readonly durationMs: number;
  /** Resident memory before it, bytes. */
  readonly rssBeforeBytes: number;
  /** What the heap headroom made of the heap before it, when the collector keeps one. */
  readonly heap?: HeapOutlook;
  /** Resident memory after it, bytes. */
  readonly rssAfterBytes: number;
  /** Where memory sat before it, when the collector reads a breakdown. */
  readonly before?: MemoryBreakdown;
  /** Where memory sat after it, when the collector reads a breakdown. */
  readonly after?: MemoryBreakdown;
}

/** What an {@link IdleCollector} needs. */
export interface IdleCollectorOptions {
  /** Resident memory (bytes) above which a full collection runs between cycles; > 0. */
  readonly softLimitBytes: number;
  /** Runs a memory-reducing full garbage collection synchronously (Node's `gc` under `--expose-gc`). */
  readonly collect: () => void;
  /**
   * Also collects, with a plain full collection, when V8 could start its own before the look after next. Default
   * none: only the soft limit is kept.
   */
  readonly heap?:
    | {
        /** The prediction, told of every collection this collector runs. */
        readonly headroom: HeapHeadroom;
        /** Reads the old generation (readHeapReading). */
        readonly read: () => HeapReading;
        /** Runs a plain full garbage collection synchronously. */
        readonly collect: () => void;
      }
    | undefined;
  /** Reads resident memory in bytes; default `process.memoryUsage.rss`. */
  readonly rssBytes?: (() => number) | undefined;
  /**
   * Reads where memory sits (readMemoryBreakdown), before and after each collection, for its log line: what a cycle
   * left behind, by space. Default none.
   */
  readonly memoryBreakdown?: (() => MemoryBreakdown) | undefined;
  /** Time and timers. */
  readonly clock: Clock;
  /**
   * Wait after the last cycle ended before looking, ms: the status writes a cycle held back go out first. Default
   * 500, short enough to fit between cycles of the shortest refresh period (1 s).
   */
  readonly settleMs?: number | undefined;
  /** Fewest ms between two collections, so staggered clusters do not collect back to back; default 2,000. */
  readonly minIntervalMs?: number | undefined;
  /** Told of each collection (metrics). */
  readonly onCollected?: ((collection: IdleCollection) => void) | undefined;
  /** Logger. */
  readonly logger: Logger;
}

/**
 * A soft memory limit kept between pacing cycles, like Go's GOMEMLIMIT but scheduled: V8 collects when its
 * heuristics say so, which at 10,000 targets is often in the middle of a cycle and lets the heap and resident
 * memory grow by a cycle's garbage first. As a {@link CycleGate} this sees every cycle start and end; once none
 * has run for `settleMs` and resident memory is above the limit, it runs one full collection, off the cycles'
 * critical path. With `heap` it also runs one when V8 would otherwise collect inside the next cycle, so the
 * collection V8 was due to run happens between cycles. A cycle that starts meanwhile cancels the pending look.
 */
export class IdleCollector implements CycleGate {
  readonly #o: IdleCollectorOptions;
  readonly #settleMs: number;
  readonly #minIntervalMs: number;
  readonly #rssBytes: () => number;
  #inFlight = 0;
  #cancel: CancelTimer | undefined;
  #lastCollectedAtMs = Number.NEGATIVE_INFINITY;
  #isClosed = false;

  /** Throws RangeError for a limit or delay that is not a finite number in range. */
  constructor(options: IdleCollectorOptions) {
    this.#o = options;
    this.#settleMs = options.settleMs ?? 500;
    this.#minIntervalMs = options.minIntervalMs ?? 2_000;
    this.#rssBytes = options.rssBytes ?? (() => process.memoryUsage.rss());
    if (!(Number.isFinite(options.softLimitBytes) && options.softLimitBytes > 0)) {
      throw new RangeError(`IdleCollector: softLimitBytes must be above 0, got ${options.softLimitBytes}`);
    }
    for (const [name, value] of [
      ['settleMs', this.#settleMs],
      ['minIntervalMs', this.#minIntervalMs],
    ] as const) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`IdleCollector: ${name} must be 0 or more, got ${value}`);
      }
    }
  }

  /** A cycle starts: no collection until every cycle in flight ended and `settleMs` passed. */
  enter(): () => void {
    this.#inFlight += 1;
    this.#cancel?.();
    this.#cancel = undefined;
    return callOnce(() => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0 && !this.#isClosed) {
        this.#cancel = this.#o.clock.setTimer(this.#settleMs, () => this.#look());
      }
    });
  }

  /** Stops: cancels a pending look; later cycles schedule none. */
  close(): void {
    this.#isClosed = true;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #look(): void {
    this.#cancel = undefined;
    const { clock, logger, heap } = this.#o;
    const startedAtMs = clock.nowMs();
    if (this.#inFlight > 0 || startedAtMs - this.#lastCollectedAtMs < this.#minIntervalMs) return;
    const rssBeforeBytes = this.#rssBytes();
    // Read the heap at every look, not only below the limit: the prediction learns each cycle's growth from it.
    const outlook = heap?.headroom.look(heap.read());
    const reason: IdleCollectionReason | undefined =
      rssBeforeBytes > this.#o.softLimitBytes ? 'memory' : outlook?.isNear ? 'heap' : undefined;
    if (reason === undefined) {
      if (outlook)
        logger.debug({ rssBytes: rssBeforeBytes, heap: outlook }, 'no idle garbage collection needed');
      return;
    }
    const readBreakdown = this.#o.memoryBreakdown;
    const before = readBreakdown?.();
    try {
      if (reason === 'memory' || heap === undefined) this.#o.collect();
      else heap.collect();
    } catch (error) {
      // A collector that cannot collect must not take the operator down; the limit is soft.
      logger.warn({ err: error, reason }, 'idle garbage collection failed');
      return;
    }
    this.#lastCollectedAtMs = clock.nowMs();
    heap?.headroom.collected(heap.read());
    const collection: IdleCollection = {
      reason,
      durationMs: this.#lastCollectedAtMs - startedAtMs,
      rssBeforeBytes,
      ...(outlook ? { heap: outlook } : {}),
      rssAfterBytes: this.#rssBytes(),
      ...(readBreakdown && before ? { before, after: readBreakdown() } : {}),
    };
    logger.debug(collection, 'idle garbage collection');
    this.#o.onCollected?.(collection);
  }
}

/**
 * The {@link IdleCollectorOptions.heap} option for a heap growing percent (`--heap-growing-percent`): a headroom with
 * V8's growing factor, V8's own heap reading and `collectPlain`. Undefined at 0, where V8 picks its own factor and
 * its limit is not known.
 */
export function idleHeapOption(
  growingPercent: number,
  collectPlain: () => void,
): IdleCollectorOptions['heap'] {
  return growingPercent > 0
    ? {
        headroom: new HeapHeadroom({ growingFactor: 1 + growingPercent / 100 }),
        read: readHeapReading,
        collect: collectPlain,
      }
    : undefined;
}

/**
 * V8's options for the idle collection: a synchronous full collection of the "last resort" flavour, the one behind
 * `LowMemoryNotification`. Unlike a plain `gc()` it collects with the reduce-memory flag (compacting sparse pages),
 * shrinks the young generation and hands freed pages back at once; with a plain `gc()` V8 kept the pages it had
 * committed (in V8 13.6 its page pool, which only a memory-reducing collection empties), which is what held
 * resident memory above the soft limit. The price: it also clears object shapes no live object has, and V8 throws
 * away optimised code that embeds them, so whatever a cycle builds afresh runs unoptimised in the next one; the
 * decider's workspace (with a round over nothing, kept for its shape), the cycle verdicts' kept shape and the
 * statistics decoder's memory outlive the cycle for that reason (docs/performance.md, nineteenth, twenty-second and
 * twenty-ninth passes).
 */
export const IDLE_GC_OPTIONS = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;

/**
 * V8's options for the collection the heap headroom asks for: a synchronous plain full collection, the one V8 was
 * about to run inside the next cycle. It keeps recently used object shapes, so optimised code survives it.
 */
export const HEADROOM_GC_OPTIONS = { type: 'major', execution: 'sync', flavor: 'regular' } as const;

/** The options Node's exposed `gc` takes for a synchronous full collection. */
export type FullGcOptions = typeof IDLE_GC_OPTIONS | typeof HEADROOM_GC_OPTIONS;

/**
 * Node's `gc` function (of `scope`, the global by default) when the process runs with `--expose-gc`, called with
 * `options` ({@link IDLE_GC_OPTIONS} by default); else undefined.
 */
export function exposedGc(
  scope: { readonly gc?: unknown } = globalThis,
  options: FullGcOptions = IDLE_GC_OPTIONS,
): (() => void) | undefined {
  const gc: unknown = scope.gc;
  return typeof gc === 'function' ? () => void (gc as (o: FullGcOptions) => unknown)(options) : undefined;
}
