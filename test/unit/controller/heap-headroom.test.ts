import { HeapHeadroom, type HeapReading } from '../../../src/controller/index.js';

const MiB = 1024 * 1024;

/** A reading of `old` MiB in use with a 16 MiB young generation (or `young`). */
function mib(old: number, young = 16): HeapReading {
  return { oldUsedBytes: old * MiB, youngCapacityBytes: young * MiB };
}

/** Whether `headroom` says near for the reading. */
function near(headroom: HeapHeadroom, reading: HeapReading): boolean {
  return headroom.look(reading).isNear;
}

describe('HeapHeadroom', () => {
  it("says near once the old generation plus the expected growth reaches V8's marking point", () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 });
    headroom.collected(mib(80)); // V8's limit 160, marking from 144
    expect(near(headroom, mib(110))).toBe(false); // growth 30: 140
    expect(near(headroom, mib(114))).toBe(true); // growth 4, largest 30: 144
  });

  it('gives the figures it decided on', () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 });
    expect(headroom.look(mib(90))).toEqual({ isNear: true, oldUsedBytes: 90 * MiB, expectedGrowthBytes: 0 });
    headroom.collected(mib(80));
    expect(headroom.look(mib(110))).toEqual({
      isNear: false,
      oldUsedBytes: 110 * MiB,
      expectedGrowthBytes: 30 * MiB,
      markingStartsAtBytes: 144 * MiB,
    });
  });

  it('forgets growths older than its window', () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, window: 2, lookaheadCycles: 1 });
    headroom.collected(mib(100)); // marking from 184
    expect(near(headroom, mib(130))).toBe(false); // growth 30: 160
    expect(near(headroom, mib(145))).toBe(false); // growths 30, 15: 175
    expect(near(headroom, mib(160))).toBe(false); // growths 15, 15: 175 (with the 30 kept, 190)
  });

  it('asks for a first collection to learn what survives, but not for a small heap', () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, minOldBytes: 64 * MiB, lookaheadCycles: 1 });
    expect(near(headroom, mib(40))).toBe(false);
    expect(near(headroom, mib(70))).toBe(true);
  });

  it('lowers what survived when V8 collected by itself and less is left', () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 });
    headroom.collected(mib(100)); // marking from 184
    expect(near(headroom, mib(120))).toBe(false); // growth 20: 140
    expect(near(headroom, mib(70))).toBe(false); // shrank: at most 70 survived, marking from 124; 70 + 20
    expect(near(headroom, mib(105))).toBe(true); // growths 20, 35: 140 (from 184 had it kept 100)
  });

  it("keeps the largest young capacity seen: a memory-reducing collection shrinks it, V8's margin stays", () => {
    const headroom = new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 1 });
    headroom.collected(mib(80, 1));
    expect(near(headroom, mib(100, 32))).toBe(false); // growth 20, marking from 128: 120
    expect(near(headroom, mib(100, 1))).toBe(false); // growth 0, largest 20: 120 < 128
    expect(near(headroom, mib(108, 1))).toBe(true); // 128 >= 160 - 32, not 160 - 1
  });

  it('allows for two cycles of growth by default', () => {
    const headroom = new HeapHeadroom({ growingFactor: 2 });
    headroom.collected(mib(80)); // marking from 144
    expect(headroom.look(mib(100))).toMatchObject({ isNear: false, expectedGrowthBytes: 40 * MiB }); // 100 + 2 × 20
    expect(headroom.look(mib(104))).toMatchObject({ isNear: true, expectedGrowthBytes: 40 * MiB }); // 144
  });

  it('refuses a factor, minimum, window or look-ahead out of range', () => {
    expect(() => new HeapHeadroom({ growingFactor: 1 })).toThrow(/growingFactor must be above 1/);
    expect(() => new HeapHeadroom({ growingFactor: Number.NaN })).toThrow(/growingFactor/);
    expect(() => new HeapHeadroom({ growingFactor: 2, minOldBytes: -1 })).toThrow(/minOldBytes/);
    expect(() => new HeapHeadroom({ growingFactor: 2, window: 0 })).toThrow(/window/);
    expect(() => new HeapHeadroom({ growingFactor: 2, window: 1.5 })).toThrow(/window/);
    expect(() => new HeapHeadroom({ growingFactor: 2, lookaheadCycles: 0 })).toThrow(/lookaheadCycles/);
  });
});
