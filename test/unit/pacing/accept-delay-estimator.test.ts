import {
  acceptDelayGridSeconds,
  estimateAcceptDelaySeconds,
  expectedAcceptancesToCome,
  initialAcceptDelayState,
  updateAcceptDelay,
} from '../../../src/pacing/accept-delay-estimator.js';
import { RandomStream } from '../../../src/sim/index.js';

/**
 * A synthetic stream: every 2 s a varying number of invitations goes out (bursts after quiet spells, as when
 * slots free up); each is accepted with probability p after an exponential delay (mean `delay`), otherwise never.
 * Only the counts per interval reach the estimator, and invitations still pending are censored. (With a constant
 * send rate the delay could not be told from the counts at all; pacing's sends are anything but constant.)
 */
function simulate(delay: number, p: number, intervals: number, seed: number) {
  const random = new RandomStream(seed);
  const acceptTimes: number[] = [];
  let state = initialAcceptDelayState();
  for (let k = 0; k < intervals; k++) {
    const sent = random.next() < 0.15 ? 6 + Math.floor(random.next() * 10) : 0;
    for (let i = 0; i < sent; i++) {
      if (random.next() < p) acceptTimes.push(k * 2 - delay * Math.log(random.next()));
    }
    const accepted = acceptTimes.filter((t) => t >= k * 2 && t < (k + 1) * 2).length;
    state = updateAcceptDelay(state, sent, accepted, 2, p);
  }
  return state;
}

describe('the accept-delay estimator', () => {
  it.each([
    [4, 3, 6],
    [10, 8, 13],
    [30, 22, 40],
  ])('finds a mean delay of %i s between %i and %i s from counts alone', (delay, low, high) => {
    const estimate = estimateAcceptDelaySeconds(simulate(delay, 0.25, 3000, delay));
    expect(estimate).toBeGreaterThanOrEqual(low);
    expect(estimate).toBeLessThanOrEqual(high);
  });

  it('expects the acceptances still to come from recent invitations, not from old ones', () => {
    const fresh = updateAcceptDelay(initialAcceptDelayState(), 8, 0, 2, 0.25);
    let aged = fresh;
    for (let i = 0; i < 20; i++) aged = updateAcceptDelay(aged, 0, 0, 2, 0.25);
    const tenSeconds = acceptDelayGridSeconds.indexOf(10);
    expect(expectedAcceptancesToCome(fresh, 2, tenSeconds, 0.25)).toBeCloseTo(8 * 0.25 * Math.exp(-0.2), 6);
    expect(expectedAcceptancesToCome(aged, 2, tenSeconds, 0.25)).toBeLessThan(0.05);
  });

  it('prefers the prior (10 s) before anything was accepted', () => {
    expect(estimateAcceptDelaySeconds(initialAcceptDelayState())).toBe(10);
  });
});
