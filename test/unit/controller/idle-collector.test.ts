import { pino } from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  exposedGc,
  HEADROOM_GC_OPTIONS,
  HeapHeadroom,
  IdleCollector,
  idleHeapOption,
  readHeapReading,
  readMemoryBreakdown,
  type HeapReading,
  type IdleCollection,
} from '../../../src/controller/index.js';
import { FakeClock } from './fake-clock.js';

const MiB = 1024 * 1024;

/** A collector on a fake clock whose resident memory is `rss.now`; `collect` drops it to `rss.after`. */
function setUp(options: { failing?: boolean } = {}) {
  const clock = new FakeClock();
  const rss = { now: 300 * MiB, after: 240 * MiB };
  const collections: IdleCollection[] = [];
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  let calls = 0;
  const collector = new IdleCollector({
    softLimitBytes: 256 * MiB,
    clock,
    rssBytes: () => rss.now,
    collect: () => {
      calls += 1;
      if (options.failing) throw new Error('no gc here');
      rss.now = rss.after;
    },
    onCollected: (c) => collections.push(c),
    logger,
  });
  return { clock, rss, collections, warnings, collector, calls: () => calls };
}

describe('IdleCollector', () => {
  it('collects once the last cycle ended and the settle time passed, when resident memory is above the limit', async () => {
    const { clock, collections, collector } = setUp();
    const leave = collector.enter();
    await clock.advance(5_000);
    expect(collections).toEqual([]);
    leave();
    await clock.advance(499);
    expect(collections).toEqual([]);
    await clock.advance(1);
    expect(collections).toEqual([
      { reason: 'memory', durationMs: 0, rssBeforeBytes: 300 * MiB, rssAfterBytes: 240 * MiB },
    ]);
  });

  it('does nothing at or below the limit', async () => {
    const { clock, rss, collections, collector, calls } = setUp();
    rss.now = 256 * MiB;
    collector.enter()();
    await clock.advance(10_000);
    expect(calls()).toBe(0);
    expect(collections).toEqual([]);
  });

  it('waits for every cycle in flight, and a cycle that starts meanwhile cancels the pending look', async () => {
    const { clock, collector, calls } = setUp();
    const first = collector.enter();
    const second = collector.enter();
    first();
    await clock.advance(2_000);
    expect(calls()).toBe(0);
    second();
    await clock.advance(300);
    const third = collector.enter();
    await clock.advance(2_000);
    expect(calls()).toBe(0);
    third();
    third(); // leaving twice counts once
    await clock.advance(1_000);
    expect(calls()).toBe(1);
  });

  it('collects at most once per minimum interval, then again above the limit', async () => {
    const { clock, rss, collector, calls } = setUp();
    rss.after = 300 * MiB; // still above: a collection that did not help
    collector.enter()();
    await clock.advance(1_000);
    expect(calls()).toBe(1);
    collector.enter()();
    await clock.advance(1_000); // 1 s after the first collection: too soon
    expect(calls()).toBe(1);
    collector.enter()();
    await clock.advance(1_000);
    expect(calls()).toBe(2);
  });

  it('logs a collection that throws and keeps going', async () => {
    const { clock, collections, warnings, collector, calls } = setUp({ failing: true });
    collector.enter()();
    await clock.advance(1_000);
    collector.enter()();
    await clock.advance(1_000);
    expect(calls()).toBe(2);
    expect(collections).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'idle garbage collection failed',
        err: expect.objectContaining({ message: 'no gc here' }),
      }),
      expect.objectContaining({ msg: 'idle garbage collection failed' }),
    ]);
  });

  it('schedules nothing once closed', async () => {
    const { clock, collector, calls } = setUp();
    collector.enter()();
    collector.close();
    collector.enter()();
    await clock.advance(10_000);
    expect(calls()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a limit or delays out of range', () => {
    const base = { clock: new FakeClock(), collect: () => undefined, logger: pino({ level: 'silent' }) };
    expect(() => new IdleCollector({ ...base, softLimitBytes: 0 })).toThrow(/softLimitBytes must be above 0/);
    expect(() => new IdleCollector({ ...base, softLimitBytes: Number.NaN })).toThrow(/softLimitBytes/);
    expect(() => new IdleCollector({ ...base, softLimitBytes: MiB, settleMs: -1 })).toThrow(/settleMs/);
    expect(() => new IdleCollector({ ...base, softLimitBytes: MiB, minIntervalMs: Infinity })).toThrow(
      /minIntervalMs/,
    );
  });

  it("runs V8's real full collection and reads the real resident memory and where it sits", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const clock = new FakeClock();
    const collections: IdleCollection[] = [];
    const collector = new IdleCollector({
      softLimitBytes: 1, // always above
      clock,
      collect: gc,
      memoryBreakdown: readMemoryBreakdown,
      onCollected: (c) => collections.push(c),
      logger: pino({ level: 'silent' }),
    });
    // Garbage the collection frees: about 16 MiB of small objects, moved to the old generation while alive.
    const leaveGarbage = (): number => {
      const garbage = Array.from({ length: 400_000 }, (_, n) => ({ n }));
      gc();
      return garbage.length;
    };
    expect(leaveGarbage()).toBe(400_000);
    collector.enter()();
    await clock.advance(1_000);
    expect(collections).toHaveLength(1);
    const [collection] = collections;
    expect(collection!.rssBeforeBytes).toBeGreaterThan(MiB);
    expect(collection!.rssAfterBytes).toBeGreaterThan(MiB);
    const { before, after } = collection!;
    expect(before!.usedBytes - after!.usedBytes).toBeGreaterThan(8 * MiB);
    for (const breakdown of [before!, after!]) {
      const committed =
        breakdown.youngBytes + breakdown.oldBytes + breakdown.largeObjectBytes + breakdown.otherBytes;
      expect(breakdown.oldBytes).toBeGreaterThan(0);
      expect(committed).toBeGreaterThanOrEqual(breakdown.usedBytes);
      expect(breakdown.externalBytes).toBeGreaterThan(0);
    }
  });

  describe('with a heap headroom', () => {
    /**
     * A collector below the soft limit whose old generation is `heap.old` MiB; the memory-reducing and the plain
     * collection each leave `heap.survives` MiB and are counted apart.
     */
    function setUpHeap() {
      const clock = new FakeClock();
      const heap = { old: 100, survives: 80 };
      const calls = { memory: 0, heap: 0 };
      const collections: IdleCollection[] = [];
      const read = (): HeapReading => ({ oldUsedBytes: heap.old * MiB, youngCapacityBytes: 16 * MiB });
      const collector = new IdleCollector({
        softLimitBytes: 256 * MiB,
        clock,
        rssBytes: () => 200 * MiB,
        collect: () => {
          calls.memory += 1;
          heap.old = heap.survives;
        },
        heap: {
          headroom: new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 }),
          read,
          collect: () => {
            calls.heap += 1;
            heap.old = heap.survives;
          },
        },
        onCollected: (c) => collections.push(c),
        logger: pino({ level: 'silent' }),
      });
      /** One cycle that grows the old generation by `growth` MiB, then the settle time. */
      const cycle = async (growth: number): Promise<void> => {
        const leave = collector.enter();
        heap.old += growth;
        leave();
        await clock.advance(5_000);
      };
      return { heap, calls, collections, cycle };
    }

    it("runs a plain collection below the soft limit when the next cycle would reach V8's marking point", async () => {
      const { heap, calls, collections, cycle } = setUpHeap();
      await cycle(0); // no collection seen yet: one, to learn what survives (80 MiB; V8 marks from 160 - 16)
      expect(calls).toEqual({ memory: 0, heap: 1 });
      expect(heap.old).toBe(80);
      await cycle(20); // 100, growth 20: 120 < 144
      await cycle(20); // 120, growth 20: 140 < 144
      expect(calls.heap).toBe(1);
      await cycle(25); // 145 + 25 >= 144
      expect(calls).toEqual({ memory: 0, heap: 2 });
      expect(collections.map((c) => c.reason)).toEqual(['heap', 'heap']);
    });

    it('expects the largest recent growth, not the last one', async () => {
      const { calls, cycle } = setUpHeap();
      await cycle(0);
      await cycle(40); // 120, growth 40: 160 >= 144
      expect(calls.heap).toBe(2);
      await cycle(5); // 85, growth 5, but 40 was seen: 125 < 144
      await cycle(5); // 90 + 40 = 130 < 144
      expect(calls.heap).toBe(2);
      await cycle(15); // 105 + 40 >= 144
      expect(calls.heap).toBe(3);
    });

    it('leaves a small heap to V8', async () => {
      const { heap, calls, cycle } = setUpHeap();
      heap.old = 10;
      heap.survives = 10;
      for (let i = 0; i < 5; i += 1) await cycle(8);
      expect(calls).toEqual({ memory: 0, heap: 0 });
    });

    it('runs the memory-reducing collection when resident memory is above the limit, and learns from it', async () => {
      const clock = new FakeClock();
      const calls: string[] = [];
      let old = 150;
      let rss = 300;
      const collector = new IdleCollector({
        softLimitBytes: 256 * MiB,
        clock,
        rssBytes: () => rss * MiB,
        collect: () => {
          calls.push('memory');
          old = 80;
          rss = 200;
        },
        heap: {
          headroom: new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 }),
          read: () => ({ oldUsedBytes: old * MiB, youngCapacityBytes: 16 * MiB }),
          collect: () => calls.push('heap'),
        },
        logger: pino({ level: 'silent' }),
      });
      collector.enter()();
      await clock.advance(5_000);
      expect(calls).toEqual(['memory']);
      // 80 MiB survived it: growing to 100 (and 20 a cycle) stays below V8's marking point, so nothing runs.
      const leave = collector.enter();
      old = 100;
      leave();
      await clock.advance(5_000);
      expect(calls).toEqual(['memory']);
    });
  });

  it("runs V8's real plain full collection ahead of V8, read from V8's real heap", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const clock = new FakeClock();
    const collections: IdleCollection[] = [];
    const collector = new IdleCollector({
      softLimitBytes: Number.MAX_SAFE_INTEGER, // never for memory
      clock,
      collect: () => {
        throw new Error('not the memory-reducing collection');
      },
      heap: {
        // A factor just above 1: the next look is always near, whatever this worker's heap holds.
        headroom: new HeapHeadroom({ growingFactor: 1.01, minOldBytes: 0 }),
        read: readHeapReading,
        collect: exposedGc({ gc }, HEADROOM_GC_OPTIONS)!,
      },
      memoryBreakdown: readMemoryBreakdown,
      onCollected: (c) => collections.push(c),
      logger: pino({ level: 'silent' }),
    });
    collector.enter()();
    await clock.advance(5_000); // the first look collects to learn what survives
    const garbage = Array.from({ length: 400_000 }, (_, n) => ({ n }));
    gc(); // moves it to the old generation while alive
    expect(garbage).toHaveLength(400_000);
    garbage.length = 0;
    collector.enter()();
    await clock.advance(5_000);
    expect(collections.map((c) => c.reason)).toEqual(['heap', 'heap']);
    const { before, after, heap } = collections[1]!;
    expect(heap!.oldUsedBytes).toBeGreaterThan(8 * MiB);
    expect(heap!.markingStartsAtBytes).toBeDefined();
    expect(before!.usedBytes - after!.usedBytes).toBeGreaterThan(8 * MiB);
  });

  it('reads no breakdown unless given a reader', async () => {
    const { clock, collections, collector } = setUp();
    collector.enter()();
    await clock.advance(1_000);
    expect(collections).toHaveLength(1);
    expect(collections[0]).not.toHaveProperty('before');
  });
});

describe('exposedGc', () => {
  // A scope of its own: a jest worker whose earlier test file set --expose-gc gives every later context V8's own
  // gc, which cannot be deleted.
  it('calls the global gc that --expose-gc defines with the memory-reducing options, and is undefined without one', () => {
    const calls: unknown[] = [];
    const scope: { gc?: unknown } = {
      gc: (options: unknown) => {
        calls.push(options);
      },
    };
    exposedGc(scope)?.();
    expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
    expect(exposedGc({})).toBeUndefined();
    expect(exposedGc({ gc: 'not a function' })).toBeUndefined();
  });

  it('calls it with the plain options when asked', () => {
    const calls: unknown[] = [];
    exposedGc({ gc: (options: unknown) => void calls.push(options) }, HEADROOM_GC_OPTIONS)?.();
    expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'regular' }]);
  });
});

describe('readHeapReading', () => {
  it('reads an old generation in use and a young capacity from V8', () => {
    const reading = readHeapReading();
    expect(reading.oldUsedBytes).toBeGreaterThan(MiB);
    expect(reading.youngCapacityBytes).toBeGreaterThan(0);
  });

  it("builds the heap option from --heap-growing-percent: V8's factor and heap reading, none at 0", () => {
    const collectPlain = (): void => undefined;
    expect(idleHeapOption(0, collectPlain)).toBeUndefined();
    const option = idleHeapOption(100, collectPlain)!;
    expect(option.collect).toBe(collectPlain);
    expect(option.read).toBe(readHeapReading);
    // A factor of 2: 100 MiB survived, so V8 marks from 200 MiB less the young generation's 16.
    option.headroom.collected({ oldUsedBytes: 100 * MiB, youngCapacityBytes: 16 * MiB });
    expect(option.headroom.look({ oldUsedBytes: 110 * MiB, youngCapacityBytes: 16 * MiB })).toMatchObject({
      markingStartsAtBytes: 184 * MiB,
    });
  });
});
