import { setHeapGrowingPercent } from '../../../src/controller/heap-growing.js';

describe('setHeapGrowingPercent', () => {
  it("sets V8's --heap-growing-percent and returns the flag it set", () => {
    const set: string[] = [];

    expect(setHeapGrowingPercent(100, (flags) => set.push(flags))).toBe('--heap-growing-percent=100');
    expect(set).toEqual(['--heap-growing-percent=100']);
  });

  it("leaves V8's own factor alone for 0", () => {
    const set: string[] = [];

    expect(setHeapGrowingPercent(0, (flags) => set.push(flags))).toBeUndefined();
    expect(set).toEqual([]);
  });

  it.each([-1, 2.5, Number.NaN])('refuses %p before touching V8', (percent) => {
    const set: string[] = [];

    expect(() => setHeapGrowingPercent(percent, (flags) => set.push(flags))).toThrow(RangeError);
    expect(set).toEqual([]);
  });
});
