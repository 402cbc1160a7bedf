import {
  estimateAcceptance,
  initialAcceptanceState,
  updateAcceptance,
  type AcceptanceState,
} from '../../../src/pacing/index.js';
import { RandomStream } from '../../../src/sim/index.js';

/** Feeds `batches` of `perBatch` resolved invitations accepted with probability p (seeded). */
function feed(state: AcceptanceState, p: number, batches: number, perBatch: number, random: RandomStream) {
  let next = state;
  for (let b = 0; b < batches; b++) {
    let accepted = 0;
    for (let i = 0; i < perBatch; i++) if (random.next() < p) accepted++;
    next = updateAcceptance(next, accepted, perBatch);
  }
  return next;
}

describe('the acceptance estimator', () => {
  it('starts at p = 1, so that a cold start paces like progressive', () => {
    expect(estimateAcceptance(initialAcceptanceState()).p).toBe(1);
  });

  it('converges to the acceptance rate of resolved invitations', () => {
    const state = feed(initialAcceptanceState(), 0.25, 400, 2, new RandomStream(1));
    expect(estimateAcceptance(state).p).toBeGreaterThan(0.2);
    expect(estimateAcceptance(state).p).toBeLessThan(0.32);
  });

  it('ignores pending invitations: intervals in which nothing resolved change nothing', () => {
    const state = feed(initialAcceptanceState(), 0.25, 200, 2, new RandomStream(2));
    expect(updateAcceptance(state, 0, 0)).toEqual(state);
  });

  it('follows a jump up within about 40 resolved invitations', () => {
    const random = new RandomStream(3);
    const settled = feed(initialAcceptanceState(), 0.1, 500, 2, random);
    expect(estimateAcceptance(settled).p).toBeLessThan(0.16);
    const after = feed(settled, 0.25, 25, 2, random);
    expect(estimateAcceptance(after).p).toBeGreaterThan(0.19);
  });

  it('follows a drop once it is beyond the fast estimate’s noise, but more slowly than a jump up', () => {
    const random = new RandomStream(4);
    const settled = feed(initialAcceptanceState(), 0.25, 500, 2, random);
    const soon = feed(settled, 0.1, 10, 2, random);
    const later = feed(soon, 0.1, 290, 2, random);
    // Cautious: a few resolved invitations are not enough to believe a drop …
    expect(estimateAcceptance(soon).p).toBeGreaterThan(0.17);
    // … a few hundred are (a late drop costs occupancy only, a late rise would cost abandonments).
    expect(estimateAcceptance(later).p).toBeLessThan(0.16);
  });

  it('never reports more acceptances than resolved invitations', () => {
    const state = updateAcceptance(initialAcceptanceState(), 10, 3);
    expect(estimateAcceptance(state).p).toBeLessThanOrEqual(1);
  });
});
