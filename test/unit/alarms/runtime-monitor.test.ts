import { pino } from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import {
  AlarmManager,
  DeliberateGcSpans,
  gcEntryKind,
  observeRuntimeAlarms,
  RuntimeMonitor,
  type Alarm,
  type AlarmSink,
} from '../../../src/alarms/index.js';

class RecordingSink implements AlarmSink {
  readonly detected: Alarm[] = [];
  readonly cancelled: Alarm[] = [];
  onDetect(alarm: Alarm): void {
    this.detected.push(alarm);
  }
  onCancel(alarm: Alarm): void {
    this.cancelled.push(alarm);
  }
}

const cluster = { namespace: 'tenant-a', cluster: 'main' };
const relaxed = { heapUsageRatio: 0.99, gcLatencyMs: 60_000, gcFrequencyPerMinute: 1_000_000 };

/** A real `gc()` without starting node with --expose-gc: the flag is read when a new context is created. */
function forceRealGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('RuntimeMonitor and observeRuntimeAlarms', () => {
  it('raises HeapMemoryUsage from the real heap when the threshold is forced to 0.01', () => {
    // Holding ~64 MB of doubles keeps the heap above 1 % of any default V8 limit (≤ 4 GB here).
    const ballast = new Array<number>(8_000_000).fill(1.5);
    const monitor = new RuntimeMonitor({ nowMs: () => 0 });
    const sample = monitor.sample();
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: pino({ level: 'silent' }),
      timings: { HeapMemoryUsage: { detectAfterMs: 30_000, cancelAfterMs: 30_000 } },
    });
    const thresholds = { ...relaxed, heapUsageRatio: 0.01 };
    observeRuntimeAlarms(manager, cluster, monitor.sample(), thresholds, 0);
    expect(sink.detected).toEqual([]);
    observeRuntimeAlarms(manager, cluster, monitor.sample(), thresholds, 30_000);
    expect(sample.heapUsedRatio).toBeGreaterThan(0.01);
    expect(sink.detected.map((a) => a.name)).toEqual(['HeapMemoryUsage']);
    expect(sink.detected[0]!.message).toMatch(
      /^heap used \d+\.\d % of the limit, above the threshold 1\.0 %$/,
    );
    expect(ballast.length).toBe(8_000_000);
  });

  it('raises nothing from the real heap under the default-like thresholds', () => {
    const monitor = new RuntimeMonitor({ nowMs: () => 0 });
    const sink = new RecordingSink();
    const manager = new AlarmManager({ sinks: [sink], logger: pino({ level: 'silent' }) });
    for (const nowMs of [0, 60_000, 120_000])
      observeRuntimeAlarms(manager, cluster, monitor.sample(), relaxed, nowMs);
    expect(sink.detected).toEqual([]);
  });

  it('sees real garbage collections through perf_hooks', async () => {
    const monitor = new RuntimeMonitor({ nowMs: () => Date.now() });
    monitor.start();
    try {
      // Short-lived garbage well past any young generation: V8 itself collects, nobody forces it. The objects
      // escape into an array, so the compiler cannot optimise the allocations away.
      let kept = 0;
      for (let round = 0; round < 100 && monitor.sample().maxGcPauseMs === 0; round += 1) {
        const garbage: { i: number }[] = [];
        for (let i = 0; i < 200_000; i += 1) garbage.push({ i });
        kept += garbage.length;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(kept).toBeGreaterThan(0);
      expect(monitor.sample().maxGcPauseMs).toBeGreaterThan(0);
    } finally {
      monitor.close();
    }
  });

  it('tells forced collections (the idle collector) from those V8 runs by itself', async () => {
    const entries: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    try {
      forceRealGc();
      await until(() => entries.some((e) => gcEntryKind(e) === 'forced'), 'the forced GC entry');
    } finally {
      observer.disconnect();
    }
    const forced = entries.find((e) => gcEntryKind(e) === 'forced')!;
    expect((forced as { detail?: { kind?: number } }).detail?.kind).toBe(constants.NODE_PERFORMANCE_GC_MAJOR);
    const natural = (kind: number, flags: number) =>
      ({ detail: { kind, flags } }) as unknown as PerformanceEntry;
    expect(gcEntryKind(natural(constants.NODE_PERFORMANCE_GC_MAJOR, 0))).toBe('major');
    expect(gcEntryKind(natural(constants.NODE_PERFORMANCE_GC_MINOR, 0))).toBe('minor');
    expect(
      gcEntryKind(natural(constants.NODE_PERFORMANCE_GC_MINOR, constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)),
    ).toBe('forced');
  });

  it('skips the last-resort collections of the idle collector, which V8 does not flag as forced', async () => {
    setFlagsFromString('--expose-gc');
    const lastResortGc = runInNewContext('gc') as (options: object) => void;
    const entries: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const spans = new DeliberateGcSpans();
    const skipping = new RuntimeMonitor({ nowMs: () => Date.now(), deliberate: spans });
    const counting = new RuntimeMonitor({ nowMs: () => Date.now() });
    skipping.start();
    counting.start();
    try {
      spans.run(() => lastResortGc({ type: 'major', execution: 'sync', flavor: 'last-resort' }));
      // A last-resort collection is at least two mark-compacts.
      await until(() => counting.sample().gcCountPerMinute >= 2, 'the last-resort GC entries');
      const inSpan = entries.filter((e) => spans.covers(e.startTime));
      const majorsInSpan = inSpan.filter((e) => gcEntryKind(e) === 'major').length;
      expect(majorsInSpan).toBeGreaterThanOrEqual(2);
      expect(inSpan.every((e) => gcEntryKind(e, spans) === 'forced')).toBe(true);
      // Both saw the same collections V8 ran by itself meanwhile; only the counting one saw the deliberate ones.
      expect(counting.sample().gcCountPerMinute - skipping.sample().gcCountPerMinute).toBe(majorsInSpan);
    } finally {
      observer.disconnect();
      skipping.close();
      counting.close();
    }
  });

  it.each([
    ['GCLatency', { maxGcPauseMs: 1_500, gcCountPerMinute: 0 }],
    ['GCFrequency', { maxGcPauseMs: 10, gcCountPerMinute: 30 }],
  ] as const)('raises %s when the sample crosses the threshold, and cancels when it clears', (alarm, gc) => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: pino({ level: 'silent' }),
      timings: { [alarm]: { detectAfterMs: 0, cancelAfterMs: 60_000 } },
    });
    const thresholds = { heapUsageRatio: 0.8, gcLatencyMs: 1_000, gcFrequencyPerMinute: 24 };
    const quiet = { heapUsedRatio: 0.1, maxGcPauseMs: 5, gcCountPerMinute: 2 };
    observeRuntimeAlarms(manager, cluster, { heapUsedRatio: 0.1, ...gc }, thresholds, 0);
    observeRuntimeAlarms(manager, cluster, quiet, thresholds, 30_000);
    observeRuntimeAlarms(manager, cluster, quiet, thresholds, 89_999);
    expect(sink.cancelled).toEqual([]);
    observeRuntimeAlarms(manager, cluster, quiet, thresholds, 90_000);
    expect(sink.detected.map((a) => a.name)).toEqual([alarm]);
    expect(sink.cancelled.map((a) => [a.name, a.cancelledAtMs])).toEqual([[alarm, 90_000]]);
  });

  it("uses the cluster's detectAfter as both delays when it is given", () => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({ sinks: [sink], logger: pino({ level: 'silent' }) });
    const thresholds = { heapUsageRatio: 0.8, gcLatencyMs: 1_000, gcFrequencyPerMinute: 24 };
    const full = { heapUsedRatio: 0.9, maxGcPauseMs: 5, gcCountPerMinute: 2 };
    const calm = { ...full, heapUsedRatio: 0.2 };
    observeRuntimeAlarms(manager, cluster, full, thresholds, 0, 1_000);
    observeRuntimeAlarms(manager, cluster, full, thresholds, 1_000, 1_000);
    observeRuntimeAlarms(manager, cluster, calm, thresholds, 2_000, 1_000);
    observeRuntimeAlarms(manager, cluster, calm, thresholds, 3_000, 1_000);
    expect(sink.detected.map((a) => [a.name, a.detectedAtMs])).toEqual([['HeapMemoryUsage', 1_000]]);
    expect(sink.cancelled.map((a) => [a.name, a.cancelledAtMs])).toEqual([['HeapMemoryUsage', 3_000]]);
  });

  it('uses an injected heap reader and treats an unknown limit as an empty heap', () => {
    const monitor = new RuntimeMonitor({ nowMs: () => 0, readHeap: () => ({ usedBytes: 5, limitBytes: 0 }) });
    expect(monitor.sample().heapUsedRatio).toBe(0);
    const half = new RuntimeMonitor({ nowMs: () => 0, readHeap: () => ({ usedBytes: 5, limitBytes: 10 }) });
    expect(half.sample().heapUsedRatio).toBe(0.5);
  });
});
