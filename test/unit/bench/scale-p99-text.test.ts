import { P99_MIN_CYCLES, p99Text } from '../../bench/scale/scale-report.js';

describe('the scale bench phrasing its cycle p99', () => {
  it('says a p99 of fewer than 100 cycles is their slowest one', () => {
    expect(p99Text(246, { windowCycles: 25, cycleMaxMs: 246 })).toBe(
      '246 ms, the slowest of 25 cycles: below 100 cycles the p99 is the slowest one',
    );
  });

  it('gives the count and the slowest cycle beside a p99 of enough cycles', () => {
    expect(p99Text(238.5, { windowCycles: P99_MIN_CYCLES + 20, cycleMaxMs: 1_262 })).toBe(
      '238.5 ms over 120 cycles; the slowest 1,262 ms',
    );
  });

  it('says when no cycle ran', () => {
    expect(p99Text(null, { windowCycles: 0, cycleMaxMs: null })).toBe('no cycle ran in the window');
  });
});
