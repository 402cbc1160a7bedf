import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { DeliberateGcSpans } from './deliberate-gc-spans.js';
import { GcWindow } from './gc-window.js';

/** The process figures the runtime alarms compare with their thresholds. */
export interface RuntimeSample {
  /** V8 heap in use ÷ the heap size limit, 0–1. */
  readonly heapUsedRatio: number;
  /** Longest GC pause in the window, ms. */
  readonly maxGcPauseMs: number;
  /**
   * Major (mark-sweep-compact) collections in the window, per minute. Scavenges are left out: a busy Node
   * process runs several per second by design, while frequent full collections mean the heap is tight.
   */
  readonly gcCountPerMinute: number;
}

/** Heap figures in bytes. */
export interface HeapReading {
  readonly usedBytes: number;
  readonly limitBytes: number;
}

/** Construction options of {@link RuntimeMonitor}. */
export interface RuntimeMonitorOptions {
  /** The caller's clock, ms since the epoch. */
  readonly nowMs: () => number;
  /** Sliding window for the GC figures; default 60 000 ms (the unit of `gcFrequencyPerMinute`). */
  readonly windowMs?: number;
  /** Reads the heap; default: V8's `used_heap_size` and `heap_size_limit` (the `--max-old-space-size` ceiling). */
  readonly readHeap?: () => HeapReading;
  /** Spans in which the operator collected on purpose (the idle collector); collections in them are skipped. */
  readonly deliberate?: DeliberateGcSpans | undefined;
}

/**
 * Watches this process's heap and garbage collections (perf_hooks `gc` entries). `start()` subscribes,
 * `close()` unsubscribes; `sample()` is cheap and is meant to be called once per pacing cycle.
 */
export class RuntimeMonitor {
  readonly #nowMs: () => number;
  readonly #readHeap: () => HeapReading;
  readonly #gc: GcWindow;
  readonly #deliberate: DeliberateGcSpans | undefined;
  #observer: PerformanceObserver | undefined;

  /** Throws `AlarmConfigError` when `windowMs` is not positive. */
  constructor(options: RuntimeMonitorOptions) {
    this.#nowMs = options.nowMs;
    this.#readHeap = options.readHeap ?? readV8Heap;
    this.#gc = new GcWindow(options.windowMs ?? 60_000);
    this.#deliberate = options.deliberate;
  }

  /** Starts observing garbage collections; calling it twice is harmless. */
  start(): void {
    if (this.#observer) return;
    this.#observer = new PerformanceObserver((list) => {
      const atMs = this.#nowMs();
      for (const entry of list.getEntries()) {
        // A forced collection is one the operator ran between cycles on purpose (the idle collector); it
        // says nothing about the pauses V8 imposes on a cycle, which is what the GC alarm is about.
        const kind = gcEntryKind(entry, this.#deliberate);
        if (kind !== 'forced') this.#gc.add(atMs, entry.duration, kind === 'major');
      }
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** The current figures. */
  sample(): RuntimeSample {
    const heap = this.#readHeap();
    const gc = this.#gc.summarize(this.#nowMs());
    return {
      heapUsedRatio: heap.limitBytes > 0 ? heap.usedBytes / heap.limitBytes : 0,
      maxGcPauseMs: gc.maxPauseMs,
      gcCountPerMinute: gc.majorCountPerMinute,
    };
  }

  /** Stops observing. */
  close(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}

function readV8Heap(): HeapReading {
  const stats = getHeapStatistics();
  return { usedBytes: stats.used_heap_size, limitBytes: stats.heap_size_limit };
}

/**
 * What a perf_hooks `gc` entry is to the runtime alarms: `forced` (a `gc()` call, or a collection that started in
 * one of the `deliberate` spans; the alarms skip both), `major` (mark-sweep-compact) or `minor` (anything else V8
 * ran).
 */
export function gcEntryKind(
  entry: PerformanceEntry,
  deliberate?: DeliberateGcSpans,
): 'forced' | 'major' | 'minor' {
  const detail = gcDetail(entry);
  if (
    (typeof detail?.flags === 'number' &&
      (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) ||
    deliberate?.covers(entry.startTime) === true
  ) {
    return 'forced';
  }
  return detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : 'minor';
}

/** A GC entry's `detail` (kind and flags): there at runtime, but @types/node declares it only on marks. */
function gcDetail(entry: PerformanceEntry): { kind?: unknown; flags?: unknown } | undefined {
  const detail: unknown = (entry as { detail?: unknown }).detail;
  return typeof detail === 'object' && detail !== null ? detail : undefined;
}
