import {
  currentSlotStartMs,
  cycleIdOf,
  nextSlotStartMs,
  shardPhaseMs,
  skippedSlotCount,
} from '../../../src/engine/index.js';

describe('cycle slots', () => {
  it.each([
    ['the first slot is the next grid point', 1500, 1000, undefined, 2000],
    ['a time on the grid is its own slot the first time', 2000, 1000, undefined, 2000],
    ['a slot never runs twice when a cycle took no time', 2000, 1000, 2000, 3000],
    ['a cycle that overran one slot lands on the one after', 3200, 1000, 2000, 4000],
    ['a longer period starts on its own grid after the last slot', 1500, 3000, 1000, 3000],
  ])('%s', (_name, nowMs, periodMs, lastSlotMs, expected) => {
    expect(nextSlotStartMs(nowMs, periodMs, lastSlotMs)).toBe(expected);
  });

  it.each([
    ['no skip between neighbours', 1000, 2000, 1000, 0],
    ['one skipped slot', 1000, 3000, 1000, 1],
    ['three skipped slots', 0, 4000, 1000, 3],
  ])('%s', (_name, last, next, period, expected) => {
    expect(skippedSlotCount(last, next, period)).toBe(expected);
  });

  it('keeps cycle ids above the last one published even when the clock is behind it', () => {
    expect(cycleIdOf(5000, 0)).toBe(5000);
    expect(cycleIdOf(5000, 7000)).toBe(7001);
  });

  it.each([
    ['on the plain grid', 2500, 1000, 0, 2000],
    ['a grid point is the slot it starts', 2000, 1000, 0, 2000],
    ['on a shifted grid, before its point', 2300, 1000, 400, 1400],
    ['on a shifted grid, at its point', 2400, 1000, 400, 2400],
  ])('the slot under way %s', (_name, nowMs, periodMs, phaseMs, expected) => {
    expect(currentSlotStartMs(nowMs, periodMs, phaseMs)).toBe(expected);
  });

  it('spreads the shards evenly over the period, shard 0 on the plain grid', () => {
    expect([0, 1, 2].map((shard) => shardPhaseMs(shard, 3, 5000))).toEqual([0, 1666, 3333]);
    expect(shardPhaseMs(0, 1, 5000)).toBe(0);
  });
});
