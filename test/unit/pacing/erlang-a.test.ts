import { erlangA, erlangAArrivalRateForGoal } from '../../../src/pacing/index.js';

/** Occupancy at the largest constant arrival rate meeting a 3 % goal (handle 300 s), as in PACING.md's table. */
function bestStaticOccupancy(slots: number, patienceSeconds: number): number {
  const mu = 1 / 300;
  const lambda = erlangAArrivalRateForGoal(slots, mu, 1 / patienceSeconds, 0.03);
  return erlangA({ slots, arrivalRate: lambda, serviceRate: mu, abandonRate: 1 / patienceSeconds }).occupancy;
}

describe('erlangA', () => {
  it.each([
    // slots, patience s, occupancy from PACING.md (percent)
    [1, 30, 3.3],
    [1, 120, 4.2],
    [10, 30, 57.4],
    [10, 60, 59.7],
    [10, 120, 62.9],
    [20, 60, 73.7],
    [100, 30, 90.6],
    [100, 60, 91.7],
    [100, 120, 92.9],
  ])(
    'gives the best static occupancy of %i slots with %i s patience as the reference table',
    (slots, patience, percent) => {
      expect(bestStaticOccupancy(slots, patience) * 100).toBeCloseTo(percent, 1);
    },
  );

  it('meets the goal exactly at the rate it returns', () => {
    const lambda = erlangAArrivalRateForGoal(10, 1 / 300, 1 / 60, 0.03);
    const result = erlangA({ slots: 10, arrivalRate: lambda, serviceRate: 1 / 300, abandonRate: 1 / 60 });
    expect(result.abandonProbability).toBeCloseTo(0.03, 6);
    expect(result.occupancy).toBeCloseTo((lambda * (1 - 0.03)) / (10 / 300), 6);
  });

  it.each([1, 10, 500, 2000])('stays finite and consistent for %i slots under heavy load', (slots) => {
    const result = erlangA({
      slots,
      arrivalRate: (slots * 1.5) / 300,
      serviceRate: 1 / 300,
      abandonRate: 1 / 60,
    });
    expect(Number.isFinite(result.abandonProbability)).toBe(true);
    expect(result.abandonProbability).toBeGreaterThan(0);
    expect(result.abandonProbability).toBeLessThan(1);
    expect(result.occupancy).toBeLessThanOrEqual(1);
    // Little's law on the queue: abandonment = θ·E[Q]/λ.
    expect(result.abandonProbability).toBeCloseTo(((1 / 60) * result.meanQueue) / ((slots * 1.5) / 300), 9);
  });

  it('reports nothing waiting and nothing busy without arrivals', () => {
    expect(erlangA({ slots: 5, arrivalRate: 0, serviceRate: 1, abandonRate: 1 })).toEqual({
      abandonProbability: 0,
      waitProbability: 0,
      meanQueue: 0,
      meanWaitSeconds: 0,
      occupancy: 0,
    });
  });
});
